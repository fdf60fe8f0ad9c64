package desk

import (
	"context"
	"encoding/json"

	"tropa"
	"tropa/stats"
)

const settingFigures = "figures"

// FiguresPolicy is how the organization publishes its figures.
type FiguresPolicy struct {
	// Threshold is the smallest count published as it is; smaller ones
	// read "<Threshold". From stats.MinThreshold, since "<2" would say
	// "1", to stats.MaxThreshold.
	Threshold int `json:"threshold"`
	// Exact lets staff who may read figures view them exact on screen,
	// marked not for publication. What leaves the server is publish-safe
	// whatever it says.
	Exact bool `json:"exact"`
}

// Rule is the rule of figures that leave the server: publish-safe.
func (p FiguresPolicy) Rule() stats.Rule { return stats.Rule{Threshold: p.Threshold} }

// FiguresPolicy is the organization's figures policy: a threshold of
// stats.DefaultThreshold and no exact figures until an administrator
// chooses.
func (d *Desk) FiguresPolicy(ctx context.Context) (FiguresPolicy, error) {
	stored, err := d.setting(ctx, settingFigures)
	if err != nil {
		return FiguresPolicy{}, err
	}
	return figuresPolicyOf(stored)
}

func figuresPolicyOf(stored string) (FiguresPolicy, error) {
	p := FiguresPolicy{Threshold: stats.DefaultThreshold}
	if stored == "" {
		return p, nil
	}
	if err := json.Unmarshal([]byte(stored), &p); err != nil {
		return FiguresPolicy{}, tropa.Errorf(tropa.EINTERNAL, "figures policy: %v", err)
	}
	return p, nil
}

// SetFiguresPolicy changes the figures policy for an administrator.
func (d *Desk) SetFiguresPolicy(ctx context.Context, s *Session, p FiguresPolicy) error {
	if p.Threshold < stats.MinThreshold || p.Threshold > stats.MaxThreshold {
		return tropa.UserError(tropa.EINVALID, "ErrFiguresThreshold",
			map[string]any{"Min": stats.MinThreshold, "Max": stats.MaxThreshold})
	}
	next, err := json.Marshal(p)
	if err != nil {
		return err
	}
	detail := "figures " + string(next)
	return d.changeSetting(ctx, s, settingFigures, detail, func(stored string) (string, error) {
		if was, err := figuresPolicyOf(stored); err == nil && was == p {
			return stored, nil
		}
		return string(next), nil
	})
}

// ExactFigures lets s view the figures of period exact on screen, if the
// policy allows it and s may read figures, and audits that they did:
// figures that are not for publication are seen by whom the log says.
func (d *Desk) ExactFigures(ctx context.Context, s *Session, period string) error {
	if err := require(s, tropa.PermStats); err != nil {
		return err
	}
	p, err := d.FiguresPolicy(ctx)
	if err != nil {
		return err
	}
	if !p.Exact {
		return tropa.UserError(tropa.EFORBIDDEN, "ErrFiguresExactOff", nil)
	}
	return d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionStatsExact,
		Detail: period})
}
