package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"tropa"
	"tropa/desk"
)

// legalAdd starts a legal process for a case.
func (s *Server) legalAdd(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	return s.caseAction(w, r, sess, "legal", "saved", func(id string) error {
		return s.Desk.AddLegalProcess(r.Context(), sess, id, parseLegalProcess(r.PostForm))
	})
}

// legalStepSave adds a step to a legal process, or changes the step named
// in the path.
func (s *Server) legalStepSave(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	form := "legal-" + r.PathValue("process")
	if r.PathValue("step") != "" {
		form = "step-" + r.PathValue("step")
	}
	return s.caseAction(w, r, sess, form, "saved", func(id string) error {
		loc, err := s.Desk.StaffLocation(r.Context(), sess.Staff.ID)
		if err != nil {
			return err
		}
		in, err := parseLegalStep(r.PostForm, loc)
		if err != nil {
			return err
		}
		in.ID = r.PathValue("step")
		return s.Desk.SaveLegalStep(r.Context(), sess, id, r.PathValue("process"), in)
	})
}

func parseLegalProcess(form url.Values) desk.LegalProcessInput {
	return desk.LegalProcessInput{Procedure: tropa.Procedure(form.Get("procedure")),
		Country: form.Get("country"), Helper: strings.ReplaceAll(form.Get("helper"), "\r\n", "\n")}
}

// parseLegalStep reads a step typed on the clocks of loc. A step is dated
// to the day or to the minute: a day alone is taken at noon in loc, so that
// it stays the same day whatever the zone's offset.
func parseLegalStep(form url.Values, loc *time.Location) (desk.LegalStepInput, error) {
	in := desk.LegalStepInput{Kind: tropa.StepKind(form.Get("kind")), Decision: tropa.Decision(form.Get("decision")),
		Note: strings.ReplaceAll(form.Get("note"), "\r\n", "\n")}
	value := strings.TrimSpace(form.Get("at"))
	if len(value) == len("2006-01-02") {
		value += "T12:00"
	}
	at, err := parseLocalTime(value, loc)
	in.At = at
	return in, err
}

// LegalProcedures, LegalStepKinds and LegalDecisions are what the legal
// forms offer.
func (p *page) LegalProcedures() []tropa.Procedure { return tropa.Procedures }
func (p *page) LegalStepKinds() []tropa.StepKind   { return tropa.StepKinds }
func (p *page) LegalDecisions() []tropa.Decision   { return tropa.Decisions }

// legalHistory says what a history entry of a legal process records; its
// subject is procedure, procedure/kind or procedure/decision/outcome.
func (p *page) legalHistory(ev tropa.CaseEvent) string {
	if ev.Subject == "" {
		return p.T("History_legal_hidden")
	}
	parts := strings.SplitN(ev.Subject, "/", 3)
	procedure := p.T("Procedure_" + parts[0])
	switch len(parts) {
	case 1:
		return p.T("History_legal_process", "Procedure", procedure, "Country", ev.To)
	case 2:
		return p.T("History_legal_step", "Procedure", procedure, "Step", p.T("LegalStep_"+parts[1]),
			"At", p.sealedTime(ev.To))
	}
	return p.T("History_legal_decision", "Procedure", procedure, "Decision", p.T("Decision_"+parts[2]),
		"At", p.sealedTime(ev.To))
}
