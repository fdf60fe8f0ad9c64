package desk

import (
	"context"
	"time"

	"tropa"
	"tropa/stats"
)

const settingVocabulary = "vocabulary"

// Vocabulary is the organization's stages, outcomes and documents.
func (d *Desk) Vocabulary(ctx context.Context) (tropa.Vocabulary, error) {
	stored, err := d.setting(ctx, settingVocabulary)
	if err != nil {
		return tropa.Vocabulary{}, err
	}
	return vocabularyOf(stored)
}

// vocabularyOf reads a stored vocabulary; "" (never saved) is the default.
func vocabularyOf(stored string) (tropa.Vocabulary, error) {
	if stored == "" {
		return tropa.DefaultVocabulary(), nil
	}
	return tropa.ParseVocabulary(stored)
}

// RenameTerm gives a stage, outcome or document the organization's own
// names; an empty name brings back the built-in one.
func (d *Desk) RenameTerm(ctx context.Context, s *Session, list tropa.TermList, key string, names map[string]string) error {
	return d.changeVocabulary(ctx, s, "rename "+string(list)+" "+key, func(v *tropa.Vocabulary) error {
		return v.Rename(list, key, names)
	})
}

// AddTerm adds a stage, outcome or document of the organization's own.
func (d *Desk) AddTerm(ctx context.Context, s *Session, list tropa.TermList, names map[string]string) error {
	return d.changeVocabulary(ctx, s, "add "+string(list), func(v *tropa.Vocabulary) error {
		_, err := v.Add(list, names)
		return err
	})
}

// Limits of the wanted clock, in hours.
const (
	MinWantedHours = 1
	MaxWantedHours = 24 * 30
)

// SetWantedAfter sets how long after leaving his unit a man is likely to be
// declared wanted. Clocks already running keep the time they started with.
func (d *Desk) SetWantedAfter(ctx context.Context, s *Session, hours int) error {
	if hours < MinWantedHours || hours > MaxWantedHours {
		return tropa.UserError(tropa.EINVALID, "ErrWantedHours", map[string]any{"Min": MinWantedHours, "Max": MaxWantedHours})
	}
	return d.changeVocabulary(ctx, s, "wanted_after", func(v *tropa.Vocabulary) error {
		v.WantedAfter = time.Duration(hours) * time.Hour
		return nil
	})
}

func (d *Desk) changeVocabulary(ctx context.Context, s *Session, detail string, change func(*tropa.Vocabulary) error) error {
	return d.changeSetting(ctx, s, settingVocabulary, detail, func(stored string) (string, error) {
		v, err := vocabularyOf(stored)
		if err != nil {
			return "", err
		}
		if err := change(&v); err != nil {
			return "", err
		}
		return v.Marshal(), nil
	})
}

// setting is the stored value of a setting, "" when it was never saved.
func (d *Desk) setting(ctx context.Context, key string) (string, error) {
	stored, err := d.cfg.Store.Setting(ctx, key)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return "", nil
	}
	return stored, err
}

// changeSetting changes a setting for an administrator. change makes the
// new value from the one stored ("" when never saved); giving back the
// stored value changes nothing. The new value goes in only if the setting
// still holds what was read, so that two administrators saving at once
// cannot silently undo each other; the change is audited as detail.
func (d *Desk) changeSetting(ctx context.Context, s *Session, key, detail string, change func(stored string) (string, error)) error {
	if err := require(s, tropa.PermSettings); err != nil {
		return err
	}
	stored, err := d.setting(ctx, key)
	if err != nil {
		return err
	}
	next, err := change(stored)
	if err != nil || next == stored {
		return err
	}
	err = d.cfg.Store.SwapSetting(ctx, key, stored, next)
	if tropa.IsCode(err, tropa.ECONFLICT) {
		return errSettingsChanged
	} else if err != nil {
		return err
	}
	return d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionSettingChange,
		Detail: detail})
}

var errSettingsChanged = tropa.UserError(tropa.ECONFLICT, "ErrSettingsChanged", nil)

// counts are the figures of requests, cases, calls and stays for a
// period, counted over its days.
func (d *Desk) counts(ctx context.Context, p stats.Period) (*tropa.Counts, error) {
	c, err := d.cfg.Store.Counts(ctx, p.From(), p.To())
	if err != nil {
		return nil, err
	}
	if c.CallsByDay, err = d.cfg.Store.CallDays(ctx, p.From(), p.To()); err != nil {
		return nil, err
	}
	return c, nil
}
