package desk

import (
	"bytes"
	"context"
	"fmt"

	"tropa"
)

// AuditReport is the outcome of checking the audit chain.
type AuditReport struct {
	Entries int64
	// Head is the hash of the last entry. An administrator who writes it
	// down somewhere else can later tell a log rewritten from scratch.
	Head []byte
}

// VerifyAudit walks the audit log and checks that every entry follows the
// one before it, hashes to what is stored, and that the last one is the one
// the head records.
func VerifyAudit(ctx context.Context, store tropa.AuditStore) (AuditReport, error) {
	var rep AuditReport
	prev := []byte{}
	err := store.AuditEntries(ctx, func(e *tropa.AuditEntry) error {
		want := rep.Entries + 1
		switch {
		case e.Seq != want:
			return fmt.Errorf("audit entry %d missing: found %d next", want, e.Seq)
		case !bytes.Equal(e.PrevHash, prev):
			return fmt.Errorf("audit entry %d does not follow entry %d", e.Seq, e.Seq-1)
		case !bytes.Equal(tropa.ChainHash(prev, e.Seq, e.AuditEvent), e.Hash):
			return fmt.Errorf("audit entry %d was changed", e.Seq)
		}
		rep.Entries, prev, rep.Head = e.Seq, e.Hash, e.Hash
		return nil
	})
	if err != nil {
		return rep, err
	}
	seq, head, err := store.AuditHead(ctx)
	if err != nil {
		return rep, err
	}
	if seq != rep.Entries || !bytes.Equal(head, prev) {
		return rep, fmt.Errorf("audit log ends at entry %d but its head records entry %d", rep.Entries, seq)
	}
	return rep, nil
}
