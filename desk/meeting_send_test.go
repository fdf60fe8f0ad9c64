package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
)

// TestSendMeeting: the wording of what goes to the applicant sees only the
// details ticked, the applicant reads it with his receipt, and an operator
// who does not hold the case can send nothing of it.
func TestSendMeeting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olena := f.caseworker(t, "olena")
	f.addStaff(t, "oksana", tropa.RoleOperator, false)
	oksana := f.enroll(t, "oksana")
	receipt, id := f.submit(t, submission("signal: @front", "Хочу сдаться"))
	start := f.clock.Now().Add(26 * time.Hour).Truncate(time.Hour)
	mid, err := f.desk.ArrangeMeeting(ctx, olena, id, desk.MeetingInput{
		Window: tropa.Window{Start: start, End: start.Add(time.Hour), Zone: "Europe/Moscow"},
		Place:  "MARKER-PLACE", Sign: "MARKER-SIGN", Phrase: "MARKER-PHRASE"})
	if err != nil {
		t.Fatalf("ArrangeMeeting: %v", err)
	}
	say := func(m tropa.Meeting) string {
		return strings.Join([]string{m.Window.Start.String(), m.Place, m.Sign, m.Phrase, "ok"}, "|")
	}

	err = f.desk.SendMeeting(ctx, olena, id, mid, nil, say)
	wantError(t, "nothing ticked", err, tropa.EINVALID, "ErrMeetingNothingToSend")
	err = f.desk.SendMeeting(ctx, oksana, id, mid, []tropa.MeetingDetail{tropa.MeetingDetailPlace}, say)
	wantError(t, "an operator who does not hold the case", err, tropa.EFORBIDDEN, "ErrNoKey")

	if err := f.desk.SendMeeting(ctx, olena, id, mid, []tropa.MeetingDetail{tropa.MeetingDetailPhrase}, say); err != nil {
		t.Fatalf("SendMeeting: %v", err)
	}
	c, err := f.desk.ApplicantCase(ctx, receipt.String())
	if err != nil {
		t.Fatalf("ApplicantCase: %v", err)
	}
	th, err := c.Thread(ctx)
	if err != nil {
		t.Fatalf("Thread: %v", err)
	}
	last := th.Messages[len(th.Messages)-1]
	if last.Author != tropa.AuthorStaff || !strings.Contains(last.Body, "MARKER-PHRASE") {
		t.Fatalf("the applicant's last message is %q by %s, want the code phrase from staff", last.Body, last.Author)
	}
	for _, unsent := range []string{"MARKER-PLACE", "MARKER-SIGN", start.Format("2006")} {
		if strings.Contains(last.Body, unsent) {
			t.Errorf("the applicant reads %q, which was not ticked", unsent)
		}
	}
}
