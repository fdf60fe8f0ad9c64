package telegram

import (
	"slices"
	"strings"
	"unicode/utf8"

	"tropa"
)

// Callback data of the buttons. A button names its question, so that a
// press on an old message is understood, or refused, as such.
const (
	dataLanguage  = "lang:"
	dataKind      = "kind:"
	dataSituation = "sit:"
	dataDone      = "done"
	dataNoContact = "nocontact"
	dataSend      = "send"
	dataRestart   = "restart"
	dataDeleteYes = "delete:yes"
	dataDeleteNo  = "delete:no"
)

// maxEcho bounds how much of his message the confirmation repeats, in
// characters: enough to recognise it, within one Telegram message.
const maxEcho = 1000

// start begins a request, dropping any answers; a chat with a case is
// told how to go on with it.
func (t *turn) start() {
	t.st.Deleting = false
	if t.st.Step == StepCase {
		t.say(t.T("TelegramAlreadySent"))
		return
	}
	if t.st.Step == StepNew {
		// A chat this node has not seen may be his, from before a
		// restart or on another node.
		t.say(t.T("TelegramHaveReceipt"))
	}
	t.st.Answers = Answers{}
	t.st.Step = StepLanguage
	t.send(t.languageQuestion())
}

// languageQuestion asks for a language in every language, since he has
// not said which he reads.
func (t *turn) languageQuestion() Message {
	var lines []string
	var buttons []Button
	for _, lang := range Languages {
		w := t.c.words(lang)
		lines = append(lines, w.Text("TelegramChooseLanguage", nil))
		buttons = append(buttons, Button{Text: w.Text("TelegramLanguageName", nil), Data: dataLanguage + lang})
	}
	return Message{Text: strings.Join(lines, "\n"), Buttons: row(buttons...)}
}

// question asks again what the chat is waiting for.
func (t *turn) question() []Message {
	if t.st.Deleting {
		return []Message{t.deleteQuestion()}
	}
	switch t.st.Step {
	case StepNew, StepLanguage:
		return []Message{t.languageQuestion()}
	case StepKind:
		rows := make([][]Button, len(tropa.Kinds))
		for i, k := range tropa.Kinds {
			rows[i] = []Button{{Text: t.T("Kind_" + string(k)), Data: dataKind + string(k)}}
		}
		return []Message{{Text: t.T("FieldKind"), Buttons: rows}}
	case StepSituation:
		rows := make([][]Button, len(tropa.Situations))
		for i, s := range tropa.Situations {
			rows[i] = []Button{{Text: t.T("Situation_" + string(s)), Data: dataSituation + string(s)}}
		}
		return []Message{{Text: t.T("FieldSituation"), Buttons: rows}}
	case StepMessage:
		if t.st.Answers.Message == "" {
			return []Message{{Text: t.T("TelegramAskMessage")}}
		}
		return []Message{{Text: t.T("TelegramMoreMessage"), Buttons: row(Button{t.T("TelegramDone"), dataDone})}}
	case StepContact:
		return []Message{{Text: t.T("TelegramAskContact"), Buttons: row(Button{t.T("TelegramNoContact"), dataNoContact})}}
	case StepConfirm:
		return []Message{t.confirmation()}
	case StepReceipt:
		return []Message{{Text: t.T("TelegramNoCase")}}
	}
	return []Message{t.caseHelp()}
}

// caseHelp says what he can do once his request is sent.
func (t *turn) caseHelp() Message {
	lines := []string{t.T("TelegramCaseHelp")}
	for _, cmd := range commands[1:] {
		lines = append(lines, "/"+cmd+": "+t.T("TelegramCommand_"+cmd))
	}
	return Message{Text: strings.Join(lines, "\n")}
}

// row is buttons in one row.
func row(b ...Button) [][]Button { return [][]Button{b} }

func (t *turn) confirmation() Message {
	a := t.st.Answers
	echo := a.Message
	if utf8.RuneCountInString(echo) > maxEcho {
		echo = string([]rune(echo)[:maxEcho]) + "…"
	}
	contact := a.Contact
	if contact == "" {
		contact = t.T("TelegramContactNone")
	}
	text := t.Tmap("TelegramConfirm", map[string]any{
		"Kind": t.T("Kind_" + string(a.Kind)), "Situation": t.T("Situation_" + string(a.Situation)),
		"Contact": contact, "Message": echo})
	return Message{Text: text, Buttons: row(Button{t.T("Send"), dataSend}, Button{t.T("TelegramRestart"), dataRestart})}
}

// text is a message of text, answering the question the chat is at or,
// after the request, a follow-up to the case.
func (t *turn) text(s string) {
	if t.st.Deleting {
		t.hint("TelegramUseButtons")
		return
	}
	a := &t.st.Answers
	switch t.st.Step {
	case StepMessage:
		joined := s
		if a.Message != "" {
			joined = a.Message + "\n\n" + s
		}
		if err := tropa.ValidateText(joined, "message", 1, tropa.MaxMessageLen); err != nil {
			t.refused(err)
			t.send(t.question()...)
			return
		}
		a.Message = joined
		t.send(t.question()...)
	case StepContact:
		s = strings.TrimSpace(s)
		if err := tropa.ValidateText(s, "contact", 0, tropa.MaxContactLen); err != nil {
			t.refused(err)
			t.send(t.question()...)
			return
		}
		a.Contact = s
		t.st.Step = StepConfirm
		t.send(t.question()...)
	case StepCase:
		t.followUp(FollowUp{Text: s})
	case StepReceipt:
		if !looksLikeReceipt(s) {
			t.say(t.T("TelegramNoCase"))
			return
		}
		t.link(s)
	case StepNew:
		if looksLikeReceipt(s) {
			t.link(s)
			return
		}
		t.start()
	default:
		t.hint("TelegramUseButtons")
	}
}

// button is a press on one of the bot's buttons, from the question the
// chat is at or from an older message. A press on an earlier question's
// button changes that answer, keeping the others.
func (t *turn) button(data string) {
	a := &t.st.Answers
	switch {
	case strings.HasPrefix(data, dataLanguage) && slices.Contains(Languages, data[len(dataLanguage):]):
		t.st.Lang = data[len(dataLanguage):]
		if t.st.Step == StepNew || t.st.Step == StepLanguage {
			t.st.Step = StepKind
		}
		t.send(t.question()...)
	case data == dataDeleteYes && t.st.Deleting:
		t.erase()
	case data == dataDeleteNo && t.st.Deleting:
		t.st.Deleting = false
		t.say(t.T("TelegramNotDeleted"))
		t.send(t.question()...)
	case t.st.Deleting:
		t.hint("TelegramUseButtons")
	case !t.st.Step.asking():
		t.hint("TelegramOldButton")
	case strings.HasPrefix(data, dataKind) && validKind(tropa.Kind(data[len(dataKind):])):
		a.Kind = tropa.Kind(data[len(dataKind):])
		t.advance(StepKind, StepSituation)
	case strings.HasPrefix(data, dataSituation) && validSituation(tropa.Situation(data[len(dataSituation):])):
		if t.st.Step == StepKind {
			t.hint("TelegramOldButton")
			return
		}
		a.Situation = tropa.Situation(data[len(dataSituation):])
		t.advance(StepSituation, StepMessage)
	case data == dataDone && t.st.Step == StepMessage:
		if err := tropa.ValidateText(a.Message, "message", 1, tropa.MaxMessageLen); err != nil {
			t.refused(err)
			t.send(t.question()...)
			return
		}
		t.st.Step = StepContact
		t.send(t.question()...)
	case data == dataNoContact && t.st.Step == StepContact:
		a.Contact = ""
		t.st.Step = StepConfirm
		t.send(t.question()...)
	case data == dataSend && t.st.Step == StepConfirm:
		t.submit()
	case data == dataRestart && t.st.Step == StepConfirm:
		t.st.Answers = Answers{}
		t.st.Step = StepKind
		t.send(t.question()...)
	default:
		t.hint("TelegramOldButton")
	}
}

// advance moves on from step to next when the chat was at step; a changed
// earlier answer leaves the chat where it was.
func (t *turn) advance(step, next Step) {
	if t.st.Step == step {
		t.st.Step = next
	}
	t.send(t.question()...)
}

func validKind(k tropa.Kind) bool { return slices.Contains(tropa.Kinds, k) }

func validSituation(s tropa.Situation) bool { return slices.Contains(tropa.Situations, s) }

// submit sends the request. On success the answers are dropped at once,
// so that the state holds no personal data from here on; on failure they
// are kept for him to send again.
func (t *turn) submit() {
	a := t.st.Answers
	sub := tropa.Submission{Kind: a.Kind, Situation: a.Situation, Channel: tropa.ChannelTelegram,
		Contact: a.Contact, Message: a.Message}
	if err := sub.Validate(); err != nil {
		t.refused(err)
		t.send(t.question()...)
		return
	}
	receipt, err := t.c.cfg.Desk.Submit(t.ctx, t.chat, sub)
	if err != nil {
		t.refused(err)
		t.say(t.T("TelegramAnswersKept"))
		t.send(t.question()...)
		return
	}
	t.st.Answers = Answers{}
	t.st.Step = StepCase
	text := t.Tmap("TelegramReceipt", map[string]any{"Receipt": receipt}) + "\n\n" + t.T("ReceiptOnce") + " " +
		t.T("TelegramReceiptDelete")
	if t.c.cfg.SiteURL != "" {
		text += "\n\n" + t.Tmap("TelegramReceiptSite", map[string]any{"Address": t.c.cfg.SiteURL})
	}
	t.send(Message{Text: text, Receipt: true}, t.caseHelp())
}
