package desk_test

import (
	"context"
	"slices"
	"testing"

	"tropa"
	"tropa/desk"
)

// TestAccessIsAWrappedKey checks who can read a request: those its key was
// wrapped to when it arrived, whatever the others' roles or sessions.
func TestAccessIsAWrappedKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	staff := map[string]*desk.Session{"intake": f.caseworker(t, "intake")}
	f.addStaff(t, "outside", tropa.RoleCaseworker, false)
	staff["outside"] = f.enroll(t, "outside")
	f.addStaff(t, "admin", tropa.RoleAdmin, false)
	staff["admin"] = f.enroll(t, "admin")
	f.addStaff(t, "analyst", tropa.RoleAnalyst, false)
	staff["analyst"] = f.enroll(t, "analyst")
	sub := submission("Telegram @lost_in_donetsk", "Где ближайший пункт?")
	_, requestID := f.submit(t, sub)
	staff["late"] = f.caseworker(t, "late")
	_, laterID := f.submit(t, submission("later contact", "later message"))

	tests := []struct {
		name string
		// inbox is the requests the staff member sees, when inboxErr,
		// the MessageID of an EFORBIDDEN error, is empty.
		inbox    []string
		inboxErr string
		// openErr is the MessageID of the EFORBIDDEN error that opening
		// and answering the first request give, or empty when they work.
		openErr string
	}{
		{"intake", []string{laterID, requestID}, "", ""},
		{"late", []string{laterID}, "", "ErrNoKey"},
		{"outside", nil, "", "ErrNoKey"},
		{"admin", nil, "ErrRoleForbidden", "ErrRoleForbidden"},
		{"analyst", nil, "ErrRoleForbidden", "ErrRoleForbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := staff[tt.name]
			if s.Stage != tropa.SessionFull {
				t.Fatalf("session stage = %q, want full", s.Stage)
			}
			list, err := f.desk.Queue(ctx, s, tropa.QueueFilter{})
			if tt.inboxErr != "" {
				wantError(t, "Inbox", err, tropa.EFORBIDDEN, tt.inboxErr)
			} else {
				// Both arrived on one day, the grain the queue knows of
				// their arrival: their order is not told.
				var ids []string
				for _, r := range list {
					ids = append(ids, r.ID)
				}
				slices.Sort(ids)
				slices.Sort(tt.inbox)
				if err != nil || !slices.Equal(ids, tt.inbox) {
					t.Errorf("Inbox = %q, %v; want %q", ids, err, tt.inbox)
				}
			}

			th, err := openThread(ctx, f, s, requestID)
			replyErr := f.desk.Reply(ctx, s, requestID, "reply from "+tt.name)
			if tt.openErr != "" {
				wantError(t, "OpenRequest", err, tropa.EFORBIDDEN, tt.openErr)
				wantError(t, "Reply", replyErr, tropa.EFORBIDDEN, tt.openErr)
				return
			}
			if err != nil || th.Contact != sub.Contact || len(th.Messages) == 0 || th.Messages[0].Body != sub.Message {
				t.Errorf("OpenRequest = %+v, %v; want contact %q and message %q", th, err, sub.Contact, sub.Message)
			}
			if replyErr != nil {
				t.Errorf("Reply: %v", replyErr)
			}
		})
	}
}

func TestStaffReplyReachesApplicant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ivan := f.caseworker(t, "ivan")
	r, requestID := f.submit(t, submission("contact", "Помогите"))

	const answer = "Мы на связи. Напишите, где вы сейчас."
	if err := f.desk.Reply(ctx, ivan, requestID, answer); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	th, err := f.desk.ApplicantThread(ctx, r.String())
	if err != nil {
		t.Fatalf("ApplicantThread: %v", err)
	}
	if len(th.Messages) != 2 || th.Messages[1].Body != answer || th.Messages[1].Author != tropa.AuthorStaff {
		t.Fatalf("applicant sees %+v; want the staff reply second", th.Messages)
	}
	if th.Request.AwaitingReply() {
		t.Errorf("request still awaits a reply after staff answered")
	}

	const back = "В Белгороде"
	if err := f.desk.ApplicantReply(ctx, r.String(), back); err != nil {
		t.Fatalf("ApplicantReply: %v", err)
	}
	th, err = openThread(ctx, f, ivan, requestID)
	if err != nil {
		t.Fatalf("OpenRequest: %v", err)
	}
	var bodies []string
	for _, m := range th.Messages {
		bodies = append(bodies, m.Body)
	}
	if want := []string{"Помогите", answer, back}; !slices.Equal(bodies, want) {
		t.Errorf("staff sees %q, want %q", bodies, want)
	}
	if !th.Request.AwaitingReply() {
		t.Errorf("request does not await a reply after the applicant answered")
	}
}
