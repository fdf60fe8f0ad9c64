package official

import (
	"crypto/sha3"
	"encoding/base32"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"tropa"
)

// Kind is what sort of channel a line names.
type Kind string

// The kinds of channel a list may name.
const (
	// KindTelegramBot is a bot, by its numeric id and its username: the
	// username can be bought once the real bot gives it up, the id cannot.
	KindTelegramBot Kind = "telegram-bot"
	// KindTelegram is a channel or account, by username.
	KindTelegram Kind = "telegram"
	KindWeb      Kind = "web"
	KindOnion    Kind = "onion"
	KindPhone    Kind = "phone"
	KindEmail    Kind = "email"
)

// Kinds lists every kind, in the order a page shows them.
var Kinds = []Kind{KindTelegramBot, KindTelegram, KindWeb, KindOnion, KindPhone, KindEmail}

// Channel is one official channel, its value as the list writes it.
type Channel struct {
	Kind  Kind
	Value string
}

// Bot is a Telegram bot's numeric id and username (without @), for a
// KindTelegramBot channel.
func (c Channel) Bot() (id int64, username string, ok bool) {
	if c.Kind != KindTelegramBot {
		return 0, "", false
	}
	idText, name, _ := strings.Cut(c.Value, " @")
	id, err := strconv.ParseInt(idText, 10, 64)
	return id, name, err == nil
}

// Link is where the channel can be opened, "" for none: a phone number
// is dialled, not followed.
func (c Channel) Link() string {
	switch c.Kind {
	case KindTelegramBot:
		_, name, _ := c.Bot()
		return "https://t.me/" + name
	case KindTelegram:
		return "https://t.me/" + strings.TrimPrefix(c.Value, "@")
	case KindWeb, KindOnion:
		return c.Value
	case KindEmail:
		return "mailto:" + c.Value
	}
	return ""
}

var (
	// Telegram usernames: 5 to 32 letters, digits and underscores,
	// starting with a letter.
	telegramName = `@[A-Za-z][A-Za-z0-9_]{4,31}`
	botLine      = regexp.MustCompile(`^[1-9][0-9]{0,18} ` + telegramName + `$`)
	accountLine  = regexp.MustCompile(`^` + telegramName + `$`)
	phoneLine    = regexp.MustCompile(`^\+[1-9][0-9 ]{6,20}$`)
)

// parseChannel checks value for a channel of kind; its errors name a
// catalog message without a line.
func parseChannel(kind Kind, value string) (Channel, error) {
	c := Channel{Kind: kind, Value: value}
	invalid := func(id string) (Channel, error) { return Channel{}, tropa.UserError(tropa.EINVALID, id, nil) }
	switch kind {
	case KindTelegramBot:
		if !botLine.MatchString(value) || !strings.HasSuffix(strings.ToLower(value), "bot") {
			return invalid("ErrChannelsBot")
		}
		if _, err := strconv.ParseInt(strings.Fields(value)[0], 10, 64); err != nil {
			return invalid("ErrChannelsBot")
		}
	case KindTelegram:
		if !accountLine.MatchString(value) {
			return invalid("ErrChannelsTelegram")
		}
	case KindWeb:
		u, err := url.Parse(value)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" ||
			strings.HasSuffix(u.Hostname(), ".onion") {
			return invalid("ErrChannelsWeb")
		}
	case KindOnion:
		u, err := url.Parse(value)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Port() != "" ||
			!validOnion(u.Hostname()) {
			return invalid("ErrChannelsOnion")
		}
	case KindPhone:
		if digits := strings.ReplaceAll(value, " ", ""); !phoneLine.MatchString(value) || len(digits) < 8 || len(digits) > 16 {
			return invalid("ErrChannelsPhone")
		}
	case KindEmail:
		a, err := mail.ParseAddress(value)
		if err != nil || a.Name != "" || a.Address != value {
			return invalid("ErrChannelsEmail")
		}
	default:
		return invalid("ErrChannelsKind")
	}
	return c, nil
}

// validOnion says whether host is a version 3 onion address whose
// checksum holds, so that a letter typed wrong in the list is caught
// before it is signed.
func validOnion(host string) bool {
	name, ok := strings.CutSuffix(host, ".onion")
	if !ok || len(name) != 56 || strings.ToLower(name) != name {
		return false
	}
	raw, err := base32.StdEncoding.DecodeString(strings.ToUpper(name))
	if err != nil || len(raw) != 35 || raw[34] != 3 {
		return false
	}
	pub, check := raw[:32], raw[32:34]
	sum := sha3.Sum256(append(append([]byte(".onion checksum"), pub...), 3))
	return sum[0] == check[0] && sum[1] == check[1]
}
