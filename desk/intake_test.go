package desk_test

import (
	"context"
	"testing"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/seal"
)

// lateStore commits a new request only once the submission's deadline, if
// it has one, has passed: as under a flood, when the last submission let in
// before its wait for argon2id runs out is still being committed then.
type lateStore struct{ tropa.Store }

func (s lateStore) CreateRequest(ctx context.Context, n *tropa.NewRequest) error {
	if deadline, ok := ctx.Deadline(); ok {
		time.Sleep(time.Until(deadline) + time.Millisecond)
	}
	return s.Store.CreateRequest(ctx, n)
}

// A deadline for waiting for argon2id does not reach past the work: a
// submission whose derivation finished is stored and gets its receipt,
// rather than an internal error for the applicant and his work lost.
func TestSubmitDeadlineAfterDerivation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := desk.New(desk.Config{Store: lateStore{f.store}, KDF: seal.NewKDF(1), ReceiptParams: seal.TestParams,
		PasswordParams: seal.TestParams})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, err := d.Submit(ctx, submission("", "Меня призвали, повестка на завтра."))
	if err != nil {
		t.Fatalf("Submit with its wait deadline passing during the commit: %v", err)
	}
	th, err := f.desk.ApplicantThread(context.Background(), r.String())
	if err != nil || len(th.Messages) != 1 {
		t.Fatalf("ApplicantThread of the receipt given: %v", err)
	}
}
