package telegram

import (
	"context"
	"encoding/binary"
	"errors"
	"time"

	"tropa"
	"tropa/admission"
	"tropa/desk"
	"tropa/official"
	"tropa/telegram/botapi"
)

// HelpDesk is the Desk the bot speaks to: tropa's desk, with the photos he
// sends fetched from Telegram, and limits on each chat. Its limits are
// kept by chat in this node's memory only.
type HelpDesk struct {
	desk   *desk.Desk
	client *botapi.Client
	now    func() time.Time
	// costly limits what costs argon2id work (a request, a receipt);
	// messages limits the rest.
	costly, messages *admission.Limiter
}

// A chat may send a request or a receipt every 20 seconds after the first
// three, and a message every 2 seconds after the first ten; all chats
// together have the desk's argon2id work and its writes to share.
const (
	costlyEvery, messageEvery     = 20 * time.Second, 2 * time.Second
	costlyBurst, messageBurst     = 3, 10
	costlyOverall, messageOverall = 5, 50
)

// NewHelpDesk speaks to d, fetching photos through client.
func NewHelpDesk(d *desk.Desk, client *botapi.Client, now func() time.Time) *HelpDesk {
	return &HelpDesk{desk: d, client: client, now: now,
		costly:   admission.NewLimiter(costlyEvery, costlyBurst, costlyOverall),
		messages: admission.NewLimiter(messageEvery, messageBurst, messageOverall)}
}

// allow refuses chat's action when l's limit for it or for everyone is
// spent.
func (h *HelpDesk) allow(l *admission.Limiter, chat Chat) error {
	if !l.Allow(binary.BigEndian.AppendUint64(nil, uint64(chat)), h.now()) {
		return tropa.UserError(tropa.ERATELIMIT, "ErrTooManyRequests", map[string]any{"Minutes": 1})
	}
	return nil
}

func (h *HelpDesk) Submit(ctx context.Context, chat Chat, sub tropa.Submission) (string, error) {
	if err := h.allow(h.costly, chat); err != nil {
		return "", err
	}
	c, err := desk.Check(sub)
	if err != nil {
		return "", err
	}
	r, err := h.desk.SubmitChat(ctx, int64(chat), c)
	if err != nil {
		return "", err
	}
	return r.String(), nil
}

func (h *HelpDesk) FollowUp(ctx context.Context, chat Chat, f FollowUp) error {
	if err := h.allow(h.messages, chat); err != nil {
		return err
	}
	var files []tropa.Upload
	if f.Photo != nil {
		up, err := h.photo(ctx, f.Photo)
		if err != nil {
			return err
		}
		files = append(files, up)
	}
	return h.desk.ChatMessage(ctx, int64(chat), f.Text, files)
}

// photo fetches a photo he sent from Telegram, to be cleaned and sealed by
// the desk like one sent with the web form.
func (h *HelpDesk) photo(ctx context.Context, p *File) (tropa.Upload, error) {
	name := p.Name
	if name == "" {
		name = "telegram.jpg"
	}
	f, err := h.client.GetFile(ctx, p.ID)
	if err != nil {
		return tropa.Upload{}, fetchFailed(err, name)
	}
	data, err := h.client.Download(ctx, f, tropa.MaxAttachmentSize)
	if err != nil {
		return tropa.Upload{}, fetchFailed(err, name)
	}
	return tropa.Upload{Name: name, Data: data}, nil
}

// fetchFailed is why a file could not be fetched, as the applicant is told.
func fetchFailed(err error, name string) error {
	switch {
	case errors.Is(err, botapi.ErrTooLarge):
		return tropa.ErrFileTooLarge(name)
	case errors.Is(err, botapi.ErrUnreachable):
		return tropa.Wrap(tropa.EUNAVAILABLE, err, "telegram: fetching a photo")
	}
	return tropa.Wrap(tropa.EINTERNAL, err, "telegram: fetching a photo")
}

func (h *HelpDesk) Status(ctx context.Context, chat Chat) (Status, error) {
	s, err := h.desk.ChatStatus(ctx, int64(chat))
	if err != nil {
		return Status{}, err
	}
	return Status{Stage: s.Stage, SentOn: s.SentOn, Answered: s.Answered}, nil
}

func (h *HelpDesk) Link(ctx context.Context, chat Chat, receipt string) error {
	if err := h.allow(h.costly, chat); err != nil {
		return err
	}
	return h.desk.LinkChat(ctx, int64(chat), receipt)
}

// LinkStaff costs a lookup of a code, limited like a receipt, so that
// codes cannot be guessed by trying many.
func (h *HelpDesk) LinkStaff(ctx context.Context, chat Chat, code string) error {
	if err := h.allow(h.costly, chat); err != nil {
		return err
	}
	return h.desk.LinkNoticeChat(ctx, int64(chat), code)
}

func (h *HelpDesk) Erase(ctx context.Context, chat Chat) error {
	return h.desk.ChatErase(ctx, int64(chat))
}

func (h *HelpDesk) Channels(ctx context.Context) (official.List, error) {
	pub, err := h.desk.OfficialChannels(ctx)
	return pub.List, err
}
