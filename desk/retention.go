package desk

import (
	"context"
	"fmt"

	"tropa"
)

const settingRetention = "retention"

// Audit actors that are not staff: the retention job, and an applicant
// acting with his receipt.
const (
	ActorRetention = "retention"
	ActorApplicant = tropa.ActorApplicant
)

// RetentionBatch is the most requests one transaction of the retention job
// deletes, and the most contacts it erases: enough that a usual run is one
// transaction, few enough that a backlog, as after the policy is first
// shortened, never holds the database for long.
const RetentionBatch = 500

// Retention is the organization's retention policy.
func (d *Desk) Retention(ctx context.Context) (tropa.Retention, error) {
	stored, err := d.setting(ctx, settingRetention)
	if err != nil {
		return tropa.Retention{}, err
	}
	return retentionOf(stored)
}

// retentionOf reads a stored policy; "" (never saved) is the default.
func retentionOf(stored string) (tropa.Retention, error) {
	if stored == "" {
		return tropa.DefaultRetention(), nil
	}
	return tropa.ParseRetention(stored)
}

// SetRetention changes the retention policy from was, the policy the
// administrator saw, to r. If someone changed it since, nothing changes and
// the error says so, rather than their change being silently undone.
func (d *Desk) SetRetention(ctx context.Context, s *Session, was, r tropa.Retention) error {
	return d.changeSetting(ctx, s, settingRetention, "retention "+r.String(), func(stored string) (string, error) {
		if err := r.Validate(); err != nil {
			return "", err
		}
		current, err := retentionOf(stored)
		switch {
		case err != nil:
			return "", err
		case current != was:
			return "", errSettingsChanged
		case r == current:
			return stored, nil
		}
		return r.Marshal(), nil
	})
}

// ApplyRetention applies the retention policy now: it deletes the requests
// whose time is over, case keys and all, and erases the contacts whose time
// is over, a batch at a time, each batch recorded in the audit log in counts
// only. If it did anything, it then has the store reclaim the space, so that
// what was deleted is gone from the disk too. It returns what it did, also
// when it fails part way.
func (d *Desk) ApplyRetention(ctx context.Context) (tropa.RetentionCounts, error) {
	var total tropa.RetentionCounts
	r, err := d.Retention(ctx)
	if err != nil {
		return total, err
	}
	now := d.now()
	b := r.Batch(now, RetentionBatch)
	b.Audit = tropa.AuditEvent{At: now, Actor: ActorRetention, Action: tropa.ActionRetentionRun}
	for {
		c, err := d.cfg.Store.ApplyRetention(ctx, &b)
		if err != nil {
			return total, err
		}
		total.Add(c)
		if c.DeletedClosed+c.DeletedSpam < b.Limit && c.ContactsErased < b.Limit {
			break
		}
	}
	if total.Total() == 0 {
		return total, nil
	}
	if err := d.cfg.Store.Reclaim(ctx); err != nil {
		return total, fmt.Errorf("reclaim space: %w", err)
	}
	return total, nil
}

// EraseContact erases the applicant's contact details now, at his request,
// for a staff member who holds the case's key and may write to him. Only his
// receipt then leads to him. It is recorded in the case's history.
func (d *Desk) EraseContact(ctx context.Context, s *Session, requestID string) error {
	if _, err := d.caseKey(ctx, s, requestID, tropa.PermWrite); err != nil {
		return err
	}
	return d.eraseContact(ctx, requestID, s.Staff.ID)
}

// EraseContact erases the applicant's own contact details, at once.
func (c *ApplicantCase) EraseContact(ctx context.Context) error {
	return c.d.eraseContact(ctx, c.requestID, ActorApplicant)
}

func (d *Desk) eraseContact(ctx context.Context, requestID, actor string) error {
	now := d.now()
	if err := d.cfg.Store.EraseContact(ctx, &tropa.ContactErasure{RequestID: requestID, At: now,
		Event: tropa.CaseEventRecord{ID: tropa.NewID(), RequestID: requestID, At: now, Actor: actor,
			Action: tropa.CaseEraseContact},
		Audit: tropa.AuditEvent{At: now, Actor: actor, Action: tropa.ActionContactErase, RequestID: requestID}}); err != nil {
		return err
	}
	d.chats.drop(requestID)
	d.outbox.drop(requestID)
	d.ReclaimSoon()
	return nil
}
