package desk

import (
	"context"
	"fmt"
	"strings"

	"tropa"
)

// AuditPage is the most entries one page of the audit log shows.
const AuditPage = 100

// AuditQuery is what someone reading the audit log asks for: the filter,
// with the case named by its reference.
type AuditQuery struct {
	tropa.AuditFilter
	Ref string
}

// AuditLog reads the audit log as q selects it, newest first, for an
// administrator or coordinator. That they read it, and with what filter,
// is itself recorded first.
func (d *Desk) AuditLog(ctx context.Context, s *Session, q AuditQuery) ([]tropa.AuditLine, error) {
	f, err := d.auditRead(ctx, s, tropa.ActionAuditRead, q)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > AuditPage {
		f.Limit = AuditPage
	}
	return d.cfg.Store.AuditLog(ctx, f)
}

// ExportAudit hands fn every entry q selects, newest first, page by page,
// after recording the export.
func (d *Desk) ExportAudit(ctx context.Context, s *Session, q AuditQuery, fn func(tropa.AuditLine) error) error {
	f, err := d.auditRead(ctx, s, tropa.ActionAuditExport, q)
	if err != nil {
		return err
	}
	f.Limit = 1000
	for {
		page, err := d.cfg.Store.AuditLog(ctx, f)
		if err != nil {
			return err
		}
		for _, l := range page {
			if err := fn(l); err != nil {
				return err
			}
		}
		if len(page) < f.Limit {
			return nil
		}
		f.Before = page[len(page)-1].Seq
	}
}

// auditRead checks that s may read the audit log, finds the case q names,
// if any, and records the reading; it returns the filter to read with. A
// reference is looked up among every request, since the log names cases
// that no reader of it holds.
func (d *Desk) auditRead(ctx context.Context, s *Session, action string, q AuditQuery) (tropa.AuditFilter, error) {
	f := q.AuditFilter
	if err := require(s, tropa.PermAudit); err != nil {
		return f, err
	}
	if ref := strings.ToUpper(strings.TrimSpace(q.Ref)); ref != "" {
		r, err := d.cfg.Store.RequestByRef(ctx, ref)
		if tropa.IsCode(err, tropa.ENOTFOUND) {
			return f, tropa.UserError(tropa.ENOTFOUND, "ErrRefUnknown", nil)
		} else if err != nil {
			return f, err
		}
		f.RequestID = r.ID
	}
	return f, d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: action,
		RequestID: f.RequestID, Detail: auditFilterDetail(f)})
}

// auditFilterDetail describes a filter for the audit entry of reading with
// it: ids, actions and dates, nothing typed.
func auditFilterDetail(f tropa.AuditFilter) string {
	var parts []string
	if f.Actor != "" {
		parts = append(parts, "actor="+f.Actor)
	}
	if f.Action != "" {
		parts = append(parts, "action="+f.Action)
	}
	if !f.From.IsZero() {
		parts = append(parts, "from="+f.From.UTC().Format("2006-01-02"))
	}
	if !f.To.IsZero() {
		parts = append(parts, "to="+f.To.UTC().Format("2006-01-02"))
	}
	if f.Before > 0 {
		parts = append(parts, fmt.Sprintf("before=%d", f.Before))
	}
	return strings.Join(parts, " ")
}
