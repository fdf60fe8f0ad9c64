package botapi

import (
	"context"
	"fmt"
)

// Webhook is where Telegram is to post updates instead of holding them for
// getUpdates.
type Webhook struct {
	// URL is the https address of the handler NewWebhookHandler returns.
	URL string
	// Secret comes back in every post's X-Telegram-Bot-Api-Secret-Token
	// header: 1 to 256 of A-Z, a-z, 0-9, _ and -.
	Secret string
	// AllowedUpdates, usually AllowedUpdates().
	AllowedUpdates []string
	// MaxConnections is at most how many posts Telegram makes at once,
	// 1 to 100; 0 leaves Telegram's default (40).
	MaxConnections int
	// DropPending forgets the updates not yet delivered.
	DropPending bool
}

// SetWebhook tells Telegram to post updates to w.URL. getUpdates is then
// refused with ErrConflict until DeleteWebhook.
func (c *Client) SetWebhook(ctx context.Context, w Webhook) error {
	if err := checkSecret(w.Secret); err != nil {
		return err
	}
	params := struct {
		URL            string   `json:"url"`
		Secret         string   `json:"secret_token"`
		AllowedUpdates []string `json:"allowed_updates,omitempty"`
		MaxConnections int      `json:"max_connections,omitempty"`
		DropPending    bool     `json:"drop_pending_updates,omitempty"`
	}{w.URL, w.Secret, w.AllowedUpdates, w.MaxConnections, w.DropPending}
	return c.call(ctx, "setWebhook", params, nil)
}

// DeleteWebhook goes back to getUpdates; dropPending forgets the updates
// not yet delivered.
func (c *Client) DeleteWebhook(ctx context.Context, dropPending bool) error {
	return c.call(ctx, "deleteWebhook", struct {
		DropPending bool `json:"drop_pending_updates,omitempty"`
	}{dropPending}, nil)
}

// checkSecret refuses a webhook secret Telegram would refuse, or none.
func checkSecret(s string) error {
	if len(s) < 1 || len(s) > 256 {
		return fmt.Errorf("botapi: webhook secret must be 1 to 256 characters")
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return fmt.Errorf("botapi: webhook secret may hold only A-Z, a-z, 0-9, _ and -")
		}
	}
	return nil
}
