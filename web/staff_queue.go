package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tropa"
	"tropa/desk"
)

// queueData is one page of the queue with the filter that chose it.
type queueData struct {
	Cases      []tropa.Request
	Query      url.Values
	StaffNames map[string]string
	// Owners are the people a coordinator can filter by.
	Owners []tropa.Staff
	// Kinds and Situations are the choices of the filter form.
	Kinds      []tropa.Kind
	Situations []tropa.Situation
	Next, Prev string
	// Flagged are the closed cases of the viewer's the applicant wrote to,
	// and Unowned, for a coordinator, the open cases no one owns: both
	// stand above the queue until someone acts on them.
	Flagged []tropa.Request
	Unowned []desk.HandoverCase
}

// outOfSight lists what must not fall out of sight on the queue's first
// page: the closed cases the applicant wrote to, which the desk limits to
// those the viewer holds unless they see every case, and for those who do,
// the open cases that no one owns.
func (s *Server) outOfSight(r *http.Request, sess *desk.Session) (flagged []tropa.Request, unowned []desk.HandoverCase, err error) {
	if flagged, err = s.Desk.Queue(r.Context(), sess, tropa.QueueFilter{Flagged: true}); err != nil {
		return nil, nil, err
	}
	if sess.Staff.Role.Can(tropa.PermQueueAll) {
		if unowned, err = s.Desk.Unowned(r.Context(), sess); err != nil {
			return nil, nil, err
		}
	}
	return flagged, unowned, nil
}

// queue shows the cases a staff member works on, what runs out first
// first. The filter is a plain GET form, so that a view can be bookmarked.
func (s *Server) queue(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := queueFilter(q, sess, p.now)
	list, err := s.Desk.Queue(r.Context(), sess, f)
	if err != nil {
		return err
	}
	names, err := s.Desk.StaffNames(r.Context(), sess)
	if err != nil {
		return err
	}
	data := queueData{Cases: list, Query: q, StaffNames: names, Kinds: tropa.Kinds, Situations: tropa.Situations}
	if f.Offset == 0 {
		if data.Flagged, data.Unowned, err = s.outOfSight(r, sess); err != nil {
			return err
		}
	}
	if sess.Staff.Role.Can(tropa.PermQueueAll) {
		if data.Owners, err = s.Desk.Colleagues(r.Context(), sess); err != nil {
			return err
		}
	}
	if len(list) == f.Limit {
		data.Next = p.URL(pageURL(q, f.Offset+f.Limit))
	}
	if f.Offset > 0 {
		data.Prev = p.URL(pageURL(q, max(0, f.Offset-f.Limit)))
	}
	p.Data = data
	s.render(w, http.StatusOK, "inbox", p)
	return nil
}

// queueFilter reads the filter form. Values it does not know select
// nothing rather than failing: a stale bookmark still shows a queue.
func queueFilter(q url.Values, sess *desk.Session, now time.Time) tropa.QueueFilter {
	f := tropa.QueueFilter{Stage: tropa.Stage(q.Get("stage")), Kind: tropa.Kind(q.Get("kind")),
		Situation: tropa.Situation(q.Get("situation")), Closed: q.Get("closed") == "1", Limit: desk.QueuePage}
	switch q.Get("urgency") {
	case "high":
		u := tropa.UrgencyHigh
		f.Urgency = &u
	case "normal":
		u := tropa.UrgencyNormal
		f.Urgency = &u
	}
	switch owner := q.Get("owner"); owner {
	case "me":
		f.Owner = sess.Staff.ID
	case "mine":
		f.Holder = sess.Staff.ID
	default:
		f.Owner = owner
	}
	switch q.Get("due") {
	case "24h":
		f.DueBefore = now.Add(24 * time.Hour)
	case "overdue":
		f.DueBefore = now
	}
	if off, err := strconv.Atoi(q.Get("offset")); err == nil && off > 0 && off <= 1_000_000 {
		f.Offset = off
	}
	return f
}

func pageURL(q url.Values, offset int) string {
	next := url.Values{}
	for k, v := range q {
		if k != "offset" && k != "lang" {
			next[k] = v
		}
	}
	if offset > 0 {
		next.Set("offset", strconv.Itoa(offset))
	}
	if len(next) == 0 {
		return "/staff/inbox"
	}
	return "/staff/inbox?" + next.Encode()
}

// caseFind goes to the case a short reference names.
func (s *Server) caseFind(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	c, err := s.Desk.FindRef(r.Context(), sess, r.URL.Query().Get("ref"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, s.newPage(r).URL("/staff/requests/"+c.ID), http.StatusSeeOther)
	return nil
}

// searchData is the result of a search in the sealed text of one's cases.
type searchData struct {
	Query string
	Hits  []desk.SearchHit
	Done  bool
}

// searchForm is the empty search form. What is searched for, a name or a
// number, is sent only by POST: it never stands in an address, which a
// browser's history and every log on the way would keep.
func (s *Server) searchForm(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	p.Data = searchData{}
	s.render(w, http.StatusOK, "search", p)
	return nil
}

// caseSearch searches the sealed text of the cases the staff member holds.
func (s *Server) caseSearch(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, err := s.staffPage(r, sess)
	if err != nil {
		return err
	}
	query := r.PostForm.Get("q")
	data := searchData{Query: query}
	status := http.StatusOK
	hits, err := s.Desk.Search(r.Context(), sess, query)
	if tropa.IsCode(err, tropa.EINVALID) {
		p.Error, status = p.Explain(err), s.errorStatus(r, err)
	} else if err != nil {
		return err
	}
	data.Hits, data.Done = hits, err == nil
	p.Data = data
	s.render(w, status, "search", p)
	return nil
}
