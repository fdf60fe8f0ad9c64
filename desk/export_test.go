package desk

import (
	"tropa"
	"tropa/seal"
)

// SetReceiptParams lets a benchmark compare argon2id costs on one fixture.
func (d *Desk) SetReceiptParams(p seal.Params) { d.cfg.ReceiptParams = p }

// Config is the desk's configuration, defaults filled in.
func (d *Desk) Config() Config { return d.cfg }

// SetStore puts a store that fails or waits on cue under the desk.
func (d *Desk) SetStore(s tropa.Store) { d.cfg.Store = s }

// SealMeeting seals a meeting as the desk writes it, for benchmarks that
// write many straight into the database.
func SealMeeting(key *seal.Key, m tropa.Meeting) (tropa.MeetingRecord, error) {
	return sealMeeting(key, m)
}
