package desk_test

import (
	"context"
	"slices"
	"testing"

	"tropa"
	"tropa/desk"
)

// auditedCasework sets up a desk where ivan opened and answered a request,
// and returns ivan's id and the request's.
func auditedCasework(t *testing.T) (f *fixture, staffID, requestID string) {
	t.Helper()
	ctx := context.Background()
	f = newFixture(t)
	ivan := f.caseworker(t, "ivan")
	_, requestID = f.submit(t, submission("contact", "message"))
	if _, err := openThread(ctx, f, ivan, requestID); err != nil {
		t.Fatalf("OpenRequest: %v", err)
	}
	if err := f.desk.Reply(ctx, ivan, requestID, "answer"); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	return f, ivan.Staff.ID, requestID
}

func TestCaseworkIsAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, staffID, requestID := auditedCasework(t)

	// Init audits nothing; then ivan is added, logs in, which registers his
	// signing key, enrols TOTP, and opens and answers the request.
	want := []string{tropa.ActionStaffAdd, tropa.ActionLogin, tropa.ActionSigningKey, tropa.ActionTOTPEnroll,
		tropa.ActionRequestOpen, tropa.ActionRequestReply}
	var actions []string
	if err := f.store.AuditEntries(ctx, func(e *tropa.AuditEntry) error {
		actions = append(actions, e.Action)
		if e.Action == tropa.ActionRequestOpen || e.Action == tropa.ActionRequestReply {
			if e.Actor != staffID || e.RequestID != requestID {
				t.Errorf("entry %d %s: actor %q, request %q; want %q, %q", e.Seq, e.Action, e.Actor, e.RequestID, staffID, requestID)
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("AuditEntries: %v", err)
	}
	if !slices.Equal(actions, want) {
		t.Errorf("audited actions = %q, want %q", actions, want)
	}
	if rep, err := desk.VerifyAudit(ctx, f.store); err != nil || rep.Entries != int64(len(want)) {
		t.Errorf("VerifyAudit = %+v, %v; want %d entries checked", rep, err, len(want))
	}
}

func TestAuditTamperingShows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query string
	}{
		{"detail changed", `UPDATE audit_log SET detail = 'nothing to see' WHERE action = 'request.open'`},
		{"actor changed", `UPDATE audit_log SET actor = 'someone else' WHERE action = 'request.reply'`},
		{"time changed", `UPDATE audit_log SET at = at + 1 WHERE action = 'request.open'`},
		{"entry in the middle deleted", `DELETE FROM audit_log WHERE action = 'request.open'`},
		{"last entry deleted", `DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, _, _ := auditedCasework(t)
			f.exec(t, tt.query)
			if rep, err := desk.VerifyAudit(context.Background(), f.store); err == nil {
				t.Errorf("VerifyAudit = %+v, nil after %s; want an error", rep, tt.name)
			}
		})
	}
}
