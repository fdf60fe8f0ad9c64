package desk

import (
	"context"

	"tropa"
	"tropa/seal"
)

// RecoveryRecipient returns the organization's recovery public key, which
// every backup is encrypted to.
func (d *Desk) RecoveryRecipient(ctx context.Context) (string, error) {
	return d.cfg.Store.Setting(ctx, settingRecoveryRecipient)
}

// UnlockStaffKey opens the private key in a copy of a staff member's record
// with their password, as a backup's header carries it: a backup is opened
// where no server, and so no store, may be left. A wrong password gives the
// same error as a failed login.
func UnlockStaffKey(ctx context.Context, kdf *seal.KDF, rec *tropa.StaffRecord, password string) (*seal.Identity, error) {
	d := Desk{cfg: Config{KDF: kdf}}
	return d.unlock(ctx, rec, password)
}
