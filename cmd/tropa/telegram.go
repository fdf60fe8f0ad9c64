package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/locale"
	"tropa/official"
	"tropa/telegram"
	"tropa/telegram/botapi"
)

// telegramFlags are serve's flags for the organization's Telegram bot.
type telegramFlags struct {
	tokenFile, webhook, api *string
}

func addTelegramFlags(fs *flag.FlagSet) telegramFlags {
	return telegramFlags{
		tokenFile: fs.String("telegram-token-file", "", "file holding the Telegram bot's token, as @BotFather gave it; "+
			"the bot runs only when this is given"),
		webhook: fs.String("telegram-webhook", "", "the https address of this site's /telegram, for Telegram to post "+
			"updates to (default: the node holding the bot long-polls Telegram)"),
		api: fs.String("telegram-api", botapi.DefaultBaseURL, "the Bot API's address"),
	}
}

// telegramBot is the bot as serve runs it: run works until its context
// ends; hook takes Telegram's posts, or is nil while the bot long-polls.
type telegramBot struct {
	client *botapi.Client
	// webhook is the address Telegram posts to, "" while long polling,
	// with secret in every post.
	webhook, secret string
	send            *botapi.Sender
	chats           *telegram.Chats
	words           func(lang string) telegram.Words
	replies         *telegram.Replies
	// notices carries staff notices to the chats staff linked.
	notices *telegram.Notices

	run  func(ctx context.Context)
	hook http.Handler
}

// prepare reads the token and makes what the desk needs of the bot before
// it opens (the seam staff replies leave by, and the channel of staff
// notices), or returns nil when no token
// is given. A token Telegram refuses stops serve; Telegram out of reach
// does not: the bot waits for it.
func (f telegramFlags) prepare(ctx context.Context, logger *slog.Logger, now func() time.Time) (*telegramBot, error) {
	if *f.tokenFile == "" {
		if *f.webhook != "" {
			return nil, errors.New("--telegram-webhook needs --telegram-token-file")
		}
		return nil, nil
	}
	if *f.webhook != "" && !strings.HasPrefix(*f.webhook, "https://") {
		return nil, errors.New("--telegram-webhook: Telegram posts only to an https address")
	}
	raw, err := os.ReadFile(*f.tokenFile)
	if err != nil {
		return nil, fmt.Errorf("--telegram-token-file: %w", err)
	}
	token := strings.TrimSpace(string(raw))
	if token == "" {
		return nil, fmt.Errorf("--telegram-token-file: %s is empty", *f.tokenFile)
	}
	b, err := newTelegramBot(ctx, *f.api, token, *f.webhook, logger, now)
	if errors.Is(err, botapi.ErrUnauthorized) {
		return nil, fmt.Errorf("telegram: the token in %s is refused; was it revoked? %w", *f.tokenFile, err)
	}
	return b, err
}

// newTelegramBot makes the bot of token on the Bot API at api, posted to at
// webhook or, when it is "", long-polling.
func newTelegramBot(ctx context.Context, api, token, webhook string, logger *slog.Logger, now func() time.Time) (*telegramBot, error) {
	client := botapi.New(api, token, nil)
	switch _, err := client.GetMe(ctx); {
	case errors.Is(err, botapi.ErrUnauthorized):
		return nil, err
	case err != nil:
		logger.Warn("telegram: the Bot API is out of reach for now; the bot waits for it", "err", err)
	}
	words, err := catalogs()
	if err != nil {
		return nil, err
	}
	b := &telegramBot{client: client, webhook: webhook, secret: webhookSecret(token), chats: telegram.NewChats(now),
		words: words, send: botapi.NewSender(client, botapi.Limits{})}
	b.replies, b.notices = telegram.NewReplies(b.send, b.chats, b.words), telegram.NewNotices(b.send)
	return b, nil
}

// telegramLease is the lease of the node that takes the bot's updates.
const telegramLease = "telegram"

// attach makes the bot answer applicants through d. Of the nodes given the
// token, the one holding the desk's lease takes the bot's updates: it
// long-polls, or sets the webhook and takes Telegram's posts, which the
// others refuse. When it dies, another takes over once the lease runs out.
func (b *telegramBot) attach(ctx context.Context, d *desk.Desk, logger *slog.Logger, now func() time.Time) error {
	site, onion := addresses(ctx, d)
	conv := telegram.New(telegram.Config{Desk: telegram.NewHelpDesk(d, b.client, now), Words: b.words,
		SiteURL: site, OnionURL: onion})
	bot := telegram.NewBot(conv, b.client, b.send, b.chats, d, logger)
	menu := func(ctx context.Context) {
		if err := bot.SetCommands(ctx); err != nil {
			logger.Warn("telegram: the menu of commands is not set", "err", err)
		}
	}
	// node names this run of tropa in the lease, and nothing else.
	node := tropa.NewID()
	if b.webhook == "" {
		b.run = func(ctx context.Context) {
			d.Lead(ctx, telegramLease, node, func(ctx context.Context) {
				// A webhook left from an earlier run would make Telegram
				// refuse every poll.
				if err := b.client.DeleteWebhook(ctx, false); err != nil {
					logger.Warn("telegram: the webhook of an earlier run is not removed", "err", err)
				}
				menu(ctx)
				err := botapi.Listener{Client: b.client, Handle: bot.Handle,
					Report: func(err error) { logger.Warn("telegram: waiting", "err", err) }}.Run(ctx)
				if err != nil && ctx.Err() == nil {
					logger.Error("telegram: the bot stopped polling", "err", err)
				}
			})
		}
		return nil
	}
	h, err := botapi.NewWebhookHandler(b.secret, botapi.MaxUpdateBody, bot.Handle)
	if err != nil {
		return err
	}
	hook := botapi.Webhook{URL: b.webhook, Secret: b.secret, AllowedUpdates: botapi.AllowedUpdates()}
	var holding atomic.Bool
	b.hook = holderOnly(&holding, h)
	b.run = func(ctx context.Context) {
		d.Lead(ctx, telegramLease, node, func(ctx context.Context) {
			holding.Store(true)
			defer holding.Store(false)
			setWebhook(ctx, b.client, hook, logger)
			menu(ctx)
			<-ctx.Done()
		})
	}
	return nil
}

// holderOnly passes Telegram's posts to next while this node holds the bot.
// Another node answers 503: a proxy in front passes the post on to the
// next node, or Telegram posts it again later.
func holderOnly(holding *atomic.Bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !holding.Load() {
			w.Header().Set("Retry-After", "5")
			http.Error(w, "another node takes the bot's updates", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// webhookSecret is the secret Telegram sends with every post to the
// webhook. It is derived from the token, so that every node of the
// organization checks the same one without another secret to share.
func webhookSecret(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("tropa telegram webhook"))
	return hex.EncodeToString(m.Sum(nil))
}

// setWebhook tells Telegram where to post, trying again while it is out
// of reach or asks to wait, until it agrees, refuses the token or the
// address for good, or ctx ends.
func setWebhook(ctx context.Context, client *botapi.Client, hook botapi.Webhook, logger *slog.Logger) {
	for wait := time.Second; ; wait = min(2*wait, time.Minute) {
		err := client.SetWebhook(ctx, hook)
		if err == nil {
			return
		}
		logger.Warn("telegram: the webhook is not set", "err", err)
		if errors.Is(err, botapi.ErrUnauthorized) || errors.Is(err, botapi.ErrBadRequest) {
			return
		}
		if asked, ok := botapi.RetryAfter(err); ok {
			wait = asked
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// catalogs are the bot's words in each of its languages, loaded once; a
// language it does not speak reads as Russian, the catalogs' first.
func catalogs() (func(lang string) telegram.Words, error) {
	cs, err := locale.Load()
	if err != nil {
		return nil, err
	}
	return func(lang string) telegram.Words { return cs.In(lang) }, nil
}

// addresses are the web site's and the onion service's, as the signed list
// of official channels gives them, for the bot to name in /help.
func addresses(ctx context.Context, d *desk.Desk) (site, onion string) {
	published, err := d.OfficialChannels(ctx)
	if err != nil {
		return "", ""
	}
	for _, ch := range published.List.Channels {
		switch {
		case ch.Kind == official.KindWeb && site == "":
			site = ch.Value
		case ch.Kind == official.KindOnion && onion == "":
			onion = ch.Value
		}
	}
	return site, onion
}
