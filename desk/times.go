package desk

import (
	"encoding/binary"
	"encoding/json"
	"slices"
	"time"

	"tropa"
	"tropa/seal"
)

// The exact times of a person's life (when he wrote, when he left his
// unit, when he is to meet someone) are sealed under the case key; the
// store keeps in clear only their day, or for the queue the hour a case is
// due. Records written before times were sealed have only the clear time,
// which is then what is shown.

// sealTime seals an exact time.
func sealTime(key *seal.Key, t time.Time, aad seal.AAD) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixMicro()))
	return seal.Seal(key, b[:], aad)
}

// openTime opens a time sealTime sealed, or returns clear, the coarse time
// stored beside it, when nothing was sealed.
func openTime(key *seal.Key, sealed []byte, aad seal.AAD, clear time.Time) (time.Time, error) {
	if sealed == nil {
		return clear, nil
	}
	b, err := seal.Open(key, sealed, aad)
	if err != nil || len(b) != 8 {
		return time.Time{}, tropa.Errorf(tropa.EINTERNAL, "open time of %s %s: %v", aad.Table, aad.Row, err)
	}
	return time.UnixMicro(int64(binary.BigEndian.Uint64(b))).UTC(), nil
}

func messageTimeAAD(messageID string) seal.AAD {
	return seal.AAD{Table: "messages", Row: messageID, Field: "at"}
}

func deadlineTimesAAD(id string) seal.AAD {
	return seal.AAD{Table: "deadlines", Row: id, Field: "times"}
}

// deadlineTimes is what a deadline keeps under the case key.
type deadlineTimes struct {
	Starts time.Time `json:"s,omitzero"`
	Due    time.Time `json:"d,omitzero"`
	Done   time.Time `json:"x,omitzero"`
}

// sealDeadline makes the record of an opened deadline: its label and exact
// times sealed, none of its start or due time in clear, and its done and
// created times for the store to keep to the day.
func sealDeadline(key *seal.Key, dl tropa.Deadline) tropa.DeadlineRecord {
	b, err := json.Marshal(deadlineTimes{Starts: dl.StartsAt, Due: dl.DueAt, Done: dl.DoneAt})
	if err != nil {
		panic(err) // times within years 0 to 9999 always marshal
	}
	return tropa.DeadlineRecord{ID: dl.ID, RequestID: dl.RequestID, Kind: dl.Kind,
		SealedLabel: seal.SealString(key, dl.Label, deadlineAAD(dl.ID)),
		SealedTimes: seal.Seal(key, b, deadlineTimesAAD(dl.ID)),
		DoneAt:      dl.DoneAt, CreatedBy: dl.CreatedBy, CreatedAt: dl.CreatedAt}
}

// openDeadline opens a deadline's label and times; one stored before times
// were sealed keeps its coarse clear times.
func openDeadline(key *seal.Key, r tropa.DeadlineRecord) (tropa.Deadline, error) {
	dl := tropa.Deadline{ID: r.ID, RequestID: r.RequestID, Kind: r.Kind, StartsAt: r.StartsAt, DueAt: r.DueAt,
		DoneAt: r.DoneAt, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	var err error
	if dl.Label, err = seal.OpenString(key, r.SealedLabel, deadlineAAD(r.ID)); err != nil {
		return dl, tropa.Errorf(tropa.EINTERNAL, "open deadline: %v", err)
	}
	if r.SealedTimes == nil {
		return dl, nil
	}
	b, err := seal.Open(key, r.SealedTimes, deadlineTimesAAD(r.ID))
	if err != nil {
		return dl, tropa.Errorf(tropa.EINTERNAL, "open deadline times: %v", err)
	}
	var t deadlineTimes
	if err := json.Unmarshal(b, &t); err != nil {
		return dl, tropa.Errorf(tropa.EINTERNAL, "deadline times: %v", err)
	}
	dl.StartsAt, dl.DueAt, dl.DoneAt = t.Starts.UTC(), t.Due.UTC(), t.Done.UTC()
	return dl, nil
}

// sortDeadlines orders deadlines earliest due first.
func sortDeadlines(list []tropa.Deadline) {
	slices.SortStableFunc(list, func(a, b tropa.Deadline) int { return a.DueAt.Compare(b.DueAt) })
}

// earliestDue is the due time of the earliest open deadline in list, zero
// if none is open: the case's place in the queue.
func earliestDue(list []tropa.Deadline) time.Time {
	var due time.Time
	for _, dl := range list {
		if dl.Open() && (due.IsZero() || dl.DueAt.Before(due)) {
			due = dl.DueAt
		}
	}
	return due
}
