package desk

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"

	"tropa"
	"tropa/seal"
)

// AuditReport is the outcome of checking the audit chain and the
// signatures that vouch for it.
type AuditReport struct {
	Entries int64
	// Head is the hash of the last entry. An administrator who writes it
	// down somewhere else can later tell a log rewritten from scratch.
	Head []byte
	// Signatures counts the signatures checked, all of which match the log.
	Signatures int
	// Signers are the keys that signed, each with its last signature, in
	// the order they were registered.
	Signers []SignerReport
	// Vouched is the last entry a counted signature vouches for: every
	// entry up to it is as it was when signed. Entries after it are
	// vouched for by no one.
	Vouched int64
	// Listed is set when the log was checked against a signer list; only
	// the signatures of keys on the list are then counted.
	Listed *SignerList
}

// SignerReport is one signing key and what it vouches for.
type SignerReport struct {
	Key tropa.SigningKey
	// Name is the staff member's name: from the signer list when the key
	// is on it, else from the database.
	Name string
	// Registered is the entry that registered the key.
	Registered int64
	Signatures int
	Last       tropa.AuditSignature
	// Counted is false for a key not on the signer list checked against.
	Counted bool
}

// VerifyAudit walks the audit log and checks that every entry follows the
// one before it, hashes to what is stored, and that the last one is the one
// the head records. Then it checks every signature against the hash the
// walk computed at its entry: a log rewritten after a signature, every
// later hash recomputed, no longer matches it.
func VerifyAudit(ctx context.Context, store tropa.Store) (AuditReport, error) {
	return VerifyAuditAgainst(ctx, store, nil)
}

// VerifyAuditAgainst checks the audit log as VerifyAudit does and, when
// list is not nil, against it: the keys on it must be in the database as
// listed, only their signatures count, and the log must still hash, at the
// list's head, to what it did when the list was exported.
func VerifyAuditAgainst(ctx context.Context, store tropa.Store, list *SignerList) (AuditReport, error) {
	rep := AuditReport{Listed: list}
	v, err := newSignatureCheck(ctx, store, list)
	if err != nil {
		return rep, err
	}
	prev := []byte{}
	err = store.AuditEntries(ctx, func(e *tropa.AuditEntry) error {
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
		return v.entry(e)
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
	if err := v.end(rep.Entries); err != nil {
		return rep, err
	}
	rep.Signatures, rep.Signers, rep.Vouched = v.checked, v.signers(), v.vouched
	return rep, nil
}

// signatureCheck checks signatures as the walk of the log reaches the
// entries they sign.
type signatureCheck struct {
	list    *SignerList
	keys    map[string]*SignerReport
	pending []tropa.AuditSignature
	checked int
	vouched int64
	// headSeen is set once the walk passed the signer list's head.
	headSeen bool
}

func newSignatureCheck(ctx context.Context, store tropa.Store, list *SignerList) (*signatureCheck, error) {
	keys, err := store.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	sigs, err := store.AuditSignatures(ctx)
	if err != nil {
		return nil, err
	}
	names, err := staffNames(ctx, store)
	if err != nil {
		return nil, err
	}
	v := &signatureCheck{list: list, keys: map[string]*SignerReport{}, pending: sigs}
	for _, k := range keys {
		name := names[k.StaffID]
		if name == "" {
			name = k.StaffID
		}
		v.keys[k.Fingerprint] = &SignerReport{Key: k, Name: name, Counted: list == nil}
	}
	if list == nil {
		return v, nil
	}
	for _, l := range list.Keys {
		k, ok := v.keys[l.Fingerprint]
		switch {
		case !ok:
			return nil, fmt.Errorf("signing key %s of %s, on the signer list, is not in the database: keys were swapped or removed",
				l.Fingerprint, l.Name)
		case !bytes.Equal(k.Key.PublicKey, l.PublicKey) || k.Key.StaffID != l.StaffID:
			return nil, fmt.Errorf("signing key %s of %s is not in the database as the signer list has it", l.Fingerprint, l.Name)
		}
		k.Name, k.Counted = l.Name, true
	}
	return v, nil
}

// entry checks the signatures of e, the next entry of a log whose hashes
// the walk has checked up to it.
func (v *signatureCheck) entry(e *tropa.AuditEntry) error {
	if e.Action == tropa.ActionSigningKey {
		if k, ok := v.keys[e.Detail]; ok && k.Key.StaffID == e.Actor && k.Registered == 0 {
			k.Registered = e.Seq
		}
	}
	if v.list != nil && e.Seq == v.list.HeadSeq {
		if !bytes.Equal(e.Hash, v.list.HeadHash) {
			return fmt.Errorf("audit entry %d no longer hashes to what the signer list recorded: the log was rewritten up to it", e.Seq)
		}
		v.headSeen = true
	}
	for len(v.pending) > 0 && v.pending[0].Seq <= e.Seq {
		s := v.pending[0]
		v.pending = v.pending[1:]
		if err := v.signature(s, e); err != nil {
			return err
		}
	}
	return nil
}

func (v *signatureCheck) signature(s tropa.AuditSignature, e *tropa.AuditEntry) error {
	k, ok := v.keys[s.Fingerprint]
	switch {
	case s.Seq != e.Seq:
		return fmt.Errorf("a signature of audit entry %d, which the log does not have", s.Seq)
	case !ok:
		return fmt.Errorf("the signature of audit entry %d is by key %s, which the database does not hold", s.Seq, s.Fingerprint)
	case seal.Fingerprint(k.Key.PublicKey) != s.Fingerprint:
		return fmt.Errorf("signing key %s of %s does not match its fingerprint: it was changed", s.Fingerprint, k.Name)
	case k.Registered == 0:
		return fmt.Errorf("the signature of audit entry %d by %s is by key %s, which no earlier entry registers for %s",
			s.Seq, k.Name, s.Fingerprint, k.Name)
	case !seal.VerifySignature(k.Key.PublicKey, tropa.HeadMessage(s.Seq, e.Hash), s.Signature):
		return fmt.Errorf("the signature of audit entry %d by %s (key %s, signed %s) does not match the log: "+
			"an entry up to %d was changed or removed after it was signed", s.Seq, k.Name, s.Fingerprint,
			s.At.UTC().Format("2006-01-02 15:04 MST"), s.Seq)
	}
	v.checked++
	k.Signatures++
	k.Last = s
	if k.Counted {
		v.vouched = max(v.vouched, s.Seq)
	}
	return nil
}

// end checks what the walk of a log of last entries left over.
func (v *signatureCheck) end(last int64) error {
	if len(v.pending) > 0 {
		s := v.pending[0]
		name := s.Fingerprint
		if k, ok := v.keys[s.Fingerprint]; ok {
			name = k.Name
		}
		return fmt.Errorf("the signature of audit entry %d by %s is past the log's end, entry %d: entries were removed",
			s.Seq, name, last)
	}
	if v.list != nil && !v.headSeen && v.list.HeadSeq > 0 {
		return fmt.Errorf("the signer list was exported at audit entry %d, but the log ends at entry %d: entries were removed",
			v.list.HeadSeq, last)
	}
	return nil
}

func (v *signatureCheck) signers() []SignerReport {
	var list []SignerReport
	for _, k := range v.keys {
		if k.Signatures > 0 || k.Registered > 0 {
			list = append(list, *k)
		}
	}
	slices.SortFunc(list, func(a, b SignerReport) int { return cmp.Compare(a.Registered, b.Registered) })
	return list
}

// CheckAudit verifies the desk's audit log, against list when it is given
// (see VerifyAuditAgainst).
func (d *Desk) CheckAudit(ctx context.Context, list *SignerList) (AuditReport, error) {
	return VerifyAuditAgainst(ctx, d.cfg.Store, list)
}
