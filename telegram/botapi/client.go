// Package botapi is the Telegram Bot API as tropa speaks it: the handful of
// methods the bot needs, the fields of an update it reads, errors a caller
// can act on (flood control, a user who blocked the bot, a revoked token,
// Telegram unreachable), a Sender that keeps to Telegram's send limits, and
// an http.Handler for webhooks. It is a small client of its own over
// net/http and encoding/json: see Client.
//
// The bot's token is part of every URL the client calls. It never appears
// in an error: URLs in errors are redacted.
package botapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is Telegram's own Bot API server.
const DefaultBaseURL = "https://api.telegram.org"

// DefaultTimeout bounds a call of the default http.Client: longer than
// Listener's long poll.
const DefaultTimeout = 75 * time.Second

// maxResponse bounds what the client reads of one answer: a full batch of
// 100 updates is far below it.
const maxResponse = 8 << 20

// Client calls the Bot API for one bot. It is safe for concurrent use.
//
// For getUpdates the http.Client's Timeout must be longer than the long
// poll's, or every poll ends as ErrUnreachable.
type Client struct {
	base  string
	token string
	hc    *http.Client
}

// New returns a client of the Bot API at baseURL (DefaultBaseURL for
// Telegram's; a local Bot API server or botapitest's in tests) for the bot
// with the given token. hc nil means an http.Client that gives up after
// DefaultTimeout, so that a call that hangs ends as ErrUnreachable.
func New(baseURL, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), token: token, hc: hc}
}

// envelope is every answer of the Bot API.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts params as JSON to method and decodes the result into result
// (nil to ignore it).
func (c *Client) call(ctx context.Context, method string, params, result any) error {
	if params == nil {
		params = struct{}{}
	}
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("botapi %s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/bot"+c.token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return c.transportError(ctx, method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.transportError(ctx, method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return c.transportError(ctx, method, err)
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil || (!env.OK && env.ErrorCode == 0) {
		// Not the Bot API speaking: a proxy's or a load balancer's page.
		return &unreachableError{
			msg:   fmt.Sprintf("botapi %s: Telegram unreachable: HTTP %d without an answer of the Bot API", method, resp.StatusCode),
			cause: fmt.Errorf("HTTP %d", resp.StatusCode),
		}
	}
	if !env.OK {
		e := &Error{Method: method, Code: env.ErrorCode, Description: env.Description}
		if env.Parameters != nil && env.Parameters.RetryAfter > 0 {
			e.RetryAfter = time.Duration(env.Parameters.RetryAfter) * time.Second
		}
		if e.Code >= 500 {
			return &unreachableError{msg: fmt.Sprintf("botapi %s: Telegram unreachable: %v", method, e), cause: e}
		}
		return e
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(env.Result, result); err != nil {
		return fmt.Errorf("botapi %s: decoding the result: %w", method, err)
	}
	return nil
}

// transportError is a call that got no answer. The context's own end is
// the caller stopping, not Telegram failing, and is returned as such.
func (c *Client) transportError(ctx context.Context, method string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("botapi %s: %w", method, ctxErr)
	}
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	return &unreachableError{
		msg:   "botapi " + method + ": Telegram unreachable: " + c.redact(err.Error()),
		cause: redacted{cause, c.redact(cause.Error())},
	}
}

// redact takes the token out of s.
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "<token>")
}

// redacted is an error whose text had the token taken out; errors.Is and
// errors.As still reach what it wraps (a timeout, a refused connection).
type redacted struct {
	err error
	msg string
}

func (r redacted) Error() string { return r.msg }
func (r redacted) Unwrap() error { return r.err }
