package telegram

import (
	"context"
	"time"

	"tropa"
	"tropa/official"
)

// Chat is the Telegram chat an event came from. The conversation never
// keeps it: it only hands it to the Desk, which seals it with the case key
// like any other contact, so that staff replies can reach the chat.
type Chat int64

// Desk is what the conversation asks of the help desk. Its errors are
// *tropa.Error values (wrapped or not): a MessageID is explained to the
// applicant in his language, EBUSY, ERATELIMIT and EUNAVAILABLE ask him to
// try again later, ENOTFOUND from FollowUp, Status or Erase means the chat
// is linked to no case (any more).
type Desk interface {
	// Submit stores a new request sent from chat, with Channel
	// tropa.ChannelTelegram, links the chat to it, and returns the receipt
	// code as it is shown (seal.Receipt.String): it also opens the request
	// on the web site.
	Submit(ctx context.Context, chat Chat, sub tropa.Submission) (receipt string, err error)
	// FollowUp adds what the applicant wrote or sent after his request to
	// the case linked to chat.
	FollowUp(ctx context.Context, chat Chat, f FollowUp) error
	// Status is where the case linked to chat stands.
	Status(ctx context.Context, chat Chat) (Status, error)
	// Link links chat to the request whose receipt he sent in it, after
	// the link was lost (the node restarted, or another node took the
	// chat); the receipt's errors explain themselves.
	Link(ctx context.Context, chat Chat, receipt string) error
	// Erase erases the applicant's contact data from the case linked to
	// chat and unlinks the chat; the case stays for staff, as retention
	// says.
	Erase(ctx context.Context, chat Chat) error
	// LinkStaff makes chat the Telegram address of the staff member whose
	// one-time link code (from his account page) was sent in it, for his
	// notices; a wrong, spent or expired code explains itself.
	LinkStaff(ctx context.Context, chat Chat, code string) error
	// Channels is the organization's signed list of official channels,
	// already verified; ENOTFOUND when none is published.
	Channels(ctx context.Context) (official.List, error)
}

// FollowUp is a message the applicant sends to his case after the
// request: a text, or a photo with an optional caption.
type FollowUp struct {
	Text string
	// Photo is nil for a text. The Desk fetches it from Telegram by its
	// ID, then cleans and seals it like a photo sent with the web form.
	Photo *File
}

// Status is where a case stands, as the bot may tell it without his
// receipt: what the request's clear columns say. The replies themselves
// are sealed under the case key; they come to the chat as staff send
// them, and are on the web site with the receipt.
type Status struct {
	// Stage is the organization's term for the case's stage, with the
	// organization's own names for it, if any.
	Stage tropa.Term
	// SentOn is the day the request was made.
	SentOn time.Time
	// Answered says staff wrote to him after he last wrote.
	Answered bool
}

// Words speaks one language from the message catalogs that the web site
// uses (web.Catalog, or its successor, satisfies it). A missing message
// reads as its id.
type Words interface {
	Text(id string, data map[string]any) string
	// Explain says what err means to the applicant, as the web pages do.
	Explain(err error) string
}
