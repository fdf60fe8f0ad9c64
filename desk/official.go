package desk

import (
	"context"
	"crypto/ed25519"
	"time"

	"tropa"
	"tropa/official"
)

// settingOfficialChannels holds the signed list of the organization's
// official channels, as signed: what the web site and the bot show.
const settingOfficialChannels = "official_channels"

// PublishedChannels is the signed list the organization published: the
// file to hand out as it is, and what it says.
type PublishedChannels struct {
	Signed []byte
	List   official.List
}

// OfficialChannels is the list the organization published; ENOTFOUND
// before it publishes one.
func (d *Desk) OfficialChannels(ctx context.Context) (PublishedChannels, error) {
	stored, err := d.cfg.Store.Setting(ctx, settingOfficialChannels)
	if err != nil {
		return PublishedChannels{}, err
	}
	l, err := official.Verify([]byte(stored))
	if err != nil {
		return PublishedChannels{}, tropa.Errorf(tropa.EINTERNAL, "stored official channels: %v", err)
	}
	return PublishedChannels{Signed: []byte(stored), List: l}, nil
}

// PublishChannels publishes a signed list, signed off the server: the
// server keeps and shows it, and could not have made it. A list older than
// the one published, or signed with another key, is refused unless newKey
// says the organization moved to a new signing key, so that a mistaken or
// replayed file does not quietly take the place of the real one.
func (d *Desk) PublishChannels(ctx context.Context, signed []byte, newKey bool) (official.List, error) {
	l, err := official.Verify(signed)
	if err != nil {
		return official.List{}, err
	}
	was, err := d.OfficialChannels(ctx)
	old := ""
	switch {
	case err == nil:
		old = string(was.Signed)
		if !newKey && !ed25519.PublicKey(was.List.Key).Equal(l.Key) {
			return official.List{}, tropa.UserError(tropa.ECONFLICT, "ErrChannelsOtherKey",
				map[string]any{"Published": was.List.Fingerprint(), "Given": l.Fingerprint()})
		}
		if l.Issued.Before(was.List.Issued) {
			return official.List{}, tropa.UserError(tropa.ECONFLICT, "ErrChannelsOlder",
				map[string]any{"Published": was.List.Issued.Format(time.DateOnly), "Given": l.Issued.Format(time.DateOnly)})
		}
	case !tropa.IsCode(err, tropa.ENOTFOUND):
		return official.List{}, err
	}
	if err := d.cfg.Store.SwapSetting(ctx, settingOfficialChannels, old, string(signed)); err != nil {
		return official.List{}, err
	}
	return l, d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: ActorCLI, Action: tropa.ActionChannelsPublish,
		Detail: l.Fingerprint() + " " + l.Issued.Format(time.DateOnly)})
}
