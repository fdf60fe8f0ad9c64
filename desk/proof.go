package desk

import (
	"context"
	"encoding/base64"
	"slices"

	"tropa"
	"tropa/seal"
)

// ProofMode says when the applicant form asks for a proof of work.
type ProofMode string

const (
	ProofOff ProofMode = "off"
	ProofOn  ProofMode = "on"
	// ProofAuto asks for it on a node while its intake is saturated.
	ProofAuto ProofMode = "auto"
)

// ProofModes lists the modes, in the order the settings page shows them.
var ProofModes = []ProofMode{ProofOff, ProofAuto, ProofOn}

const (
	settingProof    = "proof_of_work"
	settingProofKey = "proof_of_work_key"
)

// Proof is when the applicant form asks for a proof of work; off until an
// administrator chooses.
func (d *Desk) Proof(ctx context.Context) (ProofMode, error) {
	stored, err := d.setting(ctx, settingProof)
	if err != nil || stored == "" {
		return ProofOff, err
	}
	return ProofMode(stored), nil
}

// SetProof chooses when the applicant form asks for a proof of work.
func (d *Desk) SetProof(ctx context.Context, s *Session, mode ProofMode) error {
	if !slices.Contains(ProofModes, mode) {
		return tropa.UserError(tropa.EINVALID, "ErrProofMode", nil)
	}
	return d.changeSetting(ctx, s, settingProof, "proof_of_work "+string(mode), func(string) (string, error) {
		return string(mode), nil
	})
}

// ProofKey is the key that authenticates proof-of-work challenges, the same
// on every node; it is made at first use. It guards nothing but the form's
// challenges: whoever reads it from the database can mint challenges, which
// they could as well ask the form for.
func (d *Desk) ProofKey(ctx context.Context) ([]byte, error) {
	for range 2 {
		stored, err := d.setting(ctx, settingProofKey)
		if err != nil {
			return nil, err
		}
		if stored != "" {
			return base64.StdEncoding.DecodeString(stored)
		}
		// Two nodes making it at once: one wins, the other reads its key.
		err = d.cfg.Store.SwapSetting(ctx, settingProofKey, "", base64.StdEncoding.EncodeToString(seal.RandomBytes(32)))
		if err != nil && !tropa.IsCode(err, tropa.ECONFLICT) {
			return nil, err
		}
	}
	return nil, tropa.Errorf(tropa.EINTERNAL, "proof-of-work key vanished")
}
