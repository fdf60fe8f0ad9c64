package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"tropa"
)

const noticeColumns = `p.staff_id, p.channel, p.address, p.events, p.digest_s, p.lead_s, p.quiet_start, p.quiet_end, p.lang,
	p.digest_after, p.last_sent_at, p.failures, p.retry_at, p.failing_since, p.last_error`

// NoticeRecord returns a staff member's notice settings, or ENOTFOUND.
func (db *DB) NoticeRecord(ctx context.Context, staffID string) (*tropa.NoticeRecord, error) {
	return scanNotice(db.read.QueryRowContext(ctx, `SELECT `+noticeColumns+` FROM notice_prefs p WHERE p.staff_id = $1`, staffID))
}

// NoticeRecords lists the notice settings of the active staff who have a
// channel set, by staff id.
func (db *DB) NoticeRecords(ctx context.Context) ([]tropa.NoticeRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+noticeColumns+` FROM notice_prefs p
		JOIN staff s ON s.id = p.staff_id WHERE s.active AND p.channel <> '' AND p.address <> '' ORDER BY p.staff_id`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.NoticeRecord
	for rows.Next() {
		r, err := scanNotice(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, *r)
	}
	return list, mapErr(rows.Err())
}

func scanNotice(row scanner) (*tropa.NoticeRecord, error) {
	var r tropa.NoticeRecord
	var events string
	var digest, lead, digestAfter, lastSent, retry, failing int64
	err := row.Scan(&r.StaffID, &r.Channel, &r.Address, &events, &digest, &lead, &r.QuietStart, &r.QuietEnd, &r.Lang,
		&digestAfter, &lastSent, &r.Failures, &retry, &failing, &r.LastError)
	if err != nil {
		return nil, mapErr(err)
	}
	for e := range strings.SplitSeq(events, ",") {
		if e != "" {
			r.Events = append(r.Events, tropa.NoticeEvent(e))
		}
	}
	r.Digest, r.Lead = time.Duration(digest)*time.Second, time.Duration(lead)*time.Second
	r.DigestAfter, r.LastSentAt, r.RetryAt, r.FailingSince = fromMicros(digestAfter), fromMicros(lastSent),
		fromMicros(retry), fromMicros(failing)
	return &r, nil
}

// SaveNoticePrefs keeps a staff member's notice settings, leaving how their
// notices are going as it was, and marks as told what marks says.
func (db *DB) SaveNoticePrefs(ctx context.Context, p *tropa.NoticePrefs, marks []tropa.NoticeMark) error {
	events := make([]string, len(p.Events))
	for i, e := range p.Events {
		events[i] = string(e)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO notice_prefs (staff_id, channel, address, events, digest_s, lead_s,
			quiet_start, quiet_end, lang) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (staff_id) DO UPDATE SET channel = excluded.channel, address = excluded.address,
			events = excluded.events, digest_s = excluded.digest_s, lead_s = excluded.lead_s,
			quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, lang = excluded.lang`,
			p.StaffID, p.Channel, p.Address, strings.Join(events, ","), int64(p.Digest/time.Second), int64(p.Lead/time.Second),
			p.QuietStart, p.QuietEnd, p.Lang)
		if err != nil {
			return mapErr(err)
		}
		return writeMarks(ctx, tx, p.StaffID, marks)
	})
}

// ClaimNotices takes a staff member's notices until until, if no one holds
// them and their retry time has come, and returns them as they are now.
func (db *DB) ClaimNotices(ctx context.Context, staffID string, now, until time.Time) (*tropa.NoticeRecord, error) {
	var r *tropa.NoticeRecord
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		n, err := affected(tx.ExecContext(ctx, `UPDATE notice_prefs SET claimed_until = $1
			WHERE staff_id = $2 AND claimed_until <= $3 AND retry_at <= $3`, micros(until), staffID, micros(now)))
		if err != nil {
			return err
		}
		if n == 0 {
			return tropa.Errorf(tropa.ECONFLICT, "notices claimed or waiting to retry")
		}
		r, err = scanNotice(tx.QueryRowContext(ctx, `SELECT `+noticeColumns+` FROM notice_prefs p WHERE p.staff_id = $1`, staffID))
		return err
	})
	return r, err
}

// NoticeCases lists the open cases a staff member holds and, with unowned,
// the open cases that nobody owns (tropa.QueueFilter.Unowned, the
// coordinators' "no one owns these"), that have moved on since they were last told of them,
// with what they were told. A due time after dueBefore is not news yet.
// The cases held are read from the holder's wraps, and the unowned ones
// from the owner index, so that a person holding a few cases costs a few
// rows however many are open.
func (db *DB) NoticeCases(ctx context.Context, staffID string, unowned bool, dueBefore time.Time) ([]tropa.NoticeCase, error) {
	rows, err := db.read.QueryContext(ctx, noticeCaseQuery(`w.reason`, `FROM key_wraps w JOIN requests r ON r.id = w.request_id`,
		`w.holder = $1 AND r.closed_at = 0`)+` UNION ALL `+
		noticeCaseQuery(`''`, `FROM requests r`, `$2 AND r.unowned
			AND NOT EXISTS (SELECT 1 FROM key_wraps w WHERE w.request_id = r.id AND w.holder = $1)`)+` ORDER BY 1`,
		staffID, unowned, string(tropa.AuthorApplicant), dueHour(dueBefore))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var list []tropa.NoticeCase
	for rows.Next() {
		var c tropa.NoticeCase
		var disposition string
		var due, toldDue int64
		var told bool
		var mk tropa.NoticeMark
		if err := rows.Scan(&c.Now.RequestID, &c.Urgency, &disposition, &c.Unowned, &c.Now.Owner, &due, &c.Now.Reason,
			&c.Now.Messages, &told, &mk.Reason, &mk.Owner, &mk.Messages, &toldDue, &mk.Unowned); err != nil {
			return nil, mapErr(err)
		}
		c.Disposition = tropa.Disposition(disposition)
		c.CaseDueAt = fromDueMicros(due)
		c.Now.DueAt = c.CaseDueAt
		if told {
			mk.RequestID, mk.DueAt = c.Now.RequestID, fromMicros(toldDue)
			c.Told = &mk
		}
		list = append(list, c)
	}
	return list, mapErr(rows.Err())
}

// noticeCaseQuery selects, from the requests r of from that match where,
// those that have moved on since $1 was told of them, with reason as why
// $1 holds them: its arguments are NoticeCases'.
func noticeCaseQuery(reason, from, where string) string {
	const messages = `(SELECT COUNT(*) FROM messages m WHERE m.request_id = r.id AND m.author = $3)`
	return `SELECT r.id, r.urgency, r.disposition, r.unowned, r.owner_id, r.due_at, ` + reason + `, ` + messages + `,
		mk.request_id IS NOT NULL, COALESCE(mk.reason, ''), COALESCE(mk.owner_id, ''), COALESCE(mk.messages, 0),
		COALESCE(mk.due_at, 0), COALESCE(mk.unowned, FALSE)
		` + from + ` LEFT JOIN notice_marks mk ON mk.staff_id = $1 AND mk.request_id = r.id
		WHERE ` + where + ` AND (mk.request_id IS NULL OR mk.reason <> ` + reason + ` OR mk.owner_id <> r.owner_id
			OR mk.messages <> ` + messages + ` OR (r.due_at <= $4 AND r.due_at <> mk.due_at)
			OR mk.unowned <> r.unowned)`
}

// FinishNotices keeps how a staff member's notices went and what they were
// told, and releases the claim.
func (db *DB) FinishNotices(ctx context.Context, d *tropa.NoticeDone) error {
	s := d.State
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := mustAffect(tx.ExecContext(ctx, `UPDATE notice_prefs SET digest_after = $1, last_sent_at = $2,
			failures = $3, retry_at = $4, failing_since = $5, last_error = $6, claimed_until = 0 WHERE staff_id = $7`,
			hourUp(s.DigestAfter), micros(tropa.DueHour(s.LastSentAt)), s.Failures, micros(s.RetryAt),
			micros(tropa.DueHour(s.FailingSince)), s.LastError, d.StaffID)); err != nil {
			return err
		}
		return writeMarks(ctx, tx, d.StaffID, d.Marks)
	})
}

// hourUp is t rounded up to the hour: the digest's time, kept to the hour,
// must not let a digest go early.
func hourUp(t time.Time) int64 {
	if h := tropa.DueHour(t); !h.Equal(t) {
		return micros(h.Add(time.Hour))
	}
	return micros(t)
}

// writeMarks keeps marks, skipping any case deleted since it was read.
func writeMarks(ctx context.Context, tx *sql.Tx, staffID string, marks []tropa.NoticeMark) error {
	for _, m := range marks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notice_marks (staff_id, request_id, reason, owner_id, messages, due_at, unowned)
			SELECT $1, id, $3, $4, $5, $6, $7 FROM requests WHERE id = $2 ON CONFLICT (staff_id, request_id) DO UPDATE SET reason = excluded.reason,
			owner_id = excluded.owner_id, messages = excluded.messages, due_at = excluded.due_at,
			unowned = excluded.unowned`, staffID, m.RequestID, m.Reason, m.Owner, m.Messages, dueHour(m.DueAt), m.Unowned); err != nil {
			return mapErr(err)
		}
	}
	return nil
}
