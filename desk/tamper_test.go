package desk_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"tropa"
)

// TestTamperedDataDoesNotOpen changes sealed values on disk, as someone
// holding the database could: every view that reads a changed value fails,
// and none shows another request's contact.
func TestTamperedDataDoesNotOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// tamper changes the database holding requests a and b, whose key
		// is wrapped to the intake caseworker staffID.
		tamper func(t *testing.T, f *fixture, a, b, staffID string)
		// fails lists the views that must fail: "staff A", "applicant A",
		// "staff B", "applicant B".
		fails []string
	}{
		{"contacts swapped", func(t *testing.T, f *fixture, a, b, _ string) {
			swap(t, f, "requests", "sealed_contact", "id = $1", []any{a}, []any{b})
		}, []string{"staff A", "applicant A", "staff B", "applicant B"}},
		{"message body byte flipped", func(t *testing.T, f *fixture, a, _, _ string) {
			var body []byte
			if err := f.rawDB(t).QueryRow(`SELECT sealed_body FROM messages WHERE request_id = $1`, a).Scan(&body); err != nil {
				t.Fatalf("read sealed_body: %v", err)
			}
			body[len(body)-1] ^= 1
			f.exec(t, `UPDATE messages SET sealed_body = $1 WHERE request_id = $2`, body, a)
		}, []string{"staff A", "applicant A"}},
		{"message moved to another request", func(t *testing.T, f *fixture, a, b, _ string) {
			f.exec(t, `UPDATE messages SET request_id = $1 WHERE request_id = $2`, b, a)
		}, []string{"staff B", "applicant B"}},
		{"applicant's message relabelled as the organization's", func(t *testing.T, f *fixture, a, _, staffID string) {
			f.exec(t, `UPDATE messages SET author = 'staff', staff_id = $1 WHERE request_id = $2`, staffID, a)
		}, []string{"staff A", "applicant A"}},
		{"receipt keys swapped", func(t *testing.T, f *fixture, a, b, _ string) {
			swap(t, f, "receipts", "sealed_key", "request_id = $1", []any{a}, []any{b})
		}, []string{"applicant A", "applicant B"}},
		{"staff key wraps swapped", func(t *testing.T, f *fixture, a, b, staffID string) {
			swap(t, f, "key_wraps", "wrapped", "request_id = $1 AND holder = $2", []any{a, staffID}, []any{b, staffID})
		}, []string{"staff A", "staff B"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := newFixture(t)
			ivan := f.caseworker(t, "ivan")
			contacts := map[string]string{"A": "contact of A", "B": "contact of B"}
			receipts, ids := map[string]string{}, map[string]string{}
			for _, name := range []string{"A", "B"} {
				r, id := f.submit(t, submission(contacts[name], "message of "+name))
				receipts[name], ids[name] = r.String(), id
			}
			tt.tamper(t, f, ids["A"], ids["B"], ivan.Staff.ID)

			for _, name := range []string{"A", "B"} {
				views := map[string]func() (*tropa.Thread, error){
					"staff " + name:     func() (*tropa.Thread, error) { return openThread(ctx, f, ivan, ids[name]) },
					"applicant " + name: func() (*tropa.Thread, error) { return f.desk.ApplicantThread(ctx, receipts[name]) },
				}
				for view, open := range views {
					th, err := open()
					switch {
					case slices.Contains(tt.fails, view):
						if err == nil {
							t.Errorf("%s opened with contact %q; want an error", view, th.Contact)
						}
					case err != nil:
						t.Errorf("%s: %v; want it to open", view, err)
					case th.Request.ID != ids[name] || th.Contact != contacts[name]:
						t.Errorf("%s shows request %s, contact %q; want %s, %q", view, th.Request.ID, th.Contact, ids[name], contacts[name])
					}
				}
			}
		})
	}
}

// swap exchanges column between the row of table that where selects with
// args a and the one it selects with args b.
func swap(t *testing.T, f *fixture, table, column, where string, a, b []any) {
	t.Helper()
	db := f.rawDB(t)
	read := fmt.Sprintf(`SELECT %s FROM %s WHERE %s`, column, table, where)
	var va, vb []byte
	if err := db.QueryRow(read, a...).Scan(&va); err != nil {
		t.Fatalf("%s: %v", read, err)
	}
	if err := db.QueryRow(read, b...).Scan(&vb); err != nil {
		t.Fatalf("%s: %v", read, err)
	}
	write := fmt.Sprintf(`UPDATE %s SET %s = $%d WHERE %s`, table, column, len(a)+1, where)
	f.exec(t, write, append(a, vb)...)
	f.exec(t, write, append(b, va)...)
}
