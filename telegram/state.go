package telegram

import "tropa"

// Step is the question a chat is at.
type Step string

// The steps, in the order of the questions. The zero Step is a chat that
// has not started.
const (
	StepNew       Step = ""
	StepLanguage  Step = "language"
	StepKind      Step = "kind"
	StepSituation Step = "situation"
	StepMessage   Step = "message"
	StepContact   Step = "contact"
	StepConfirm   Step = "confirm"
	// StepCase is a chat linked to a case: the request was sent.
	StepCase Step = "case"
	// StepReceipt is a chat whose link to its case was lost, waiting for
	// the receipt to link it again.
	StepReceipt Step = "receipt"
)

// asking reports whether the chat is answering the request's questions.
func (s Step) asking() bool {
	switch s {
	case StepKind, StepSituation, StepMessage, StepContact, StepConfirm:
		return true
	}
	return false
}

// MaxRemembered bounds the message ids a State keeps for /delete, newest
// kept: Telegram lets a bot delete only messages of the last 48 hours.
const MaxRemembered = 200

// State is one chat's conversation between events. It is a small value
// that marshals to JSON. Answers hold plaintext until the request is
// submitted, and are dropped then: a State with Step StepCase carries no
// personal data.
type State struct {
	Step Step   `json:"step,omitempty"`
	Lang string `json:"lang,omitempty"`
	// Deleting is set while /delete waits for him to confirm.
	Deleting bool    `json:"deleting,omitempty"`
	Answers  Answers `json:"answers,omitzero"`
	// Messages are ids of the chat's messages, the bot's and his, for
	// /delete to remove; oldest first.
	Messages []int `json:"messages,omitempty"`
}

// Answers are the request's answers so far, in plaintext, in memory only.
type Answers struct {
	Kind      tropa.Kind      `json:"kind,omitempty"`
	Situation tropa.Situation `json:"situation,omitempty"`
	Message   string          `json:"message,omitempty"`
	Contact   string          `json:"contact,omitempty"`
}

// Remember keeps the id of a message sent in the chat, so that /delete
// can remove it.
func (s *State) Remember(id int) {
	for _, m := range s.Messages {
		if m == id {
			return
		}
	}
	s.Messages = append(s.Messages, id)
	if n := len(s.Messages); n > MaxRemembered {
		s.Messages = append([]int(nil), s.Messages[n-MaxRemembered:]...)
	}
}
