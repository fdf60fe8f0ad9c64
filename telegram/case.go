package telegram

import (
	"errors"
	"slices"
	"time"

	"tropa"
	"tropa/seal"
)

// file is a photo or other file. Only photos are taken, and only for a
// case: before the request is sent there is no case to keep them in.
func (t *turn) file(f *File, caption string) {
	switch {
	case f == nil:
		t.hint("TelegramUnknownInput")
	case t.st.Deleting:
		t.hint("TelegramUseButtons")
	case f.Kind == FileOther || f.Kind == FileDocument && !slices.Contains(tropa.AttachmentTypes, f.MIME):
		t.hint("TelegramFileNotPhoto")
	case f.Size > tropa.MaxAttachmentSize:
		t.refused(tropa.ErrFileTooLarge(f.Name))
		t.send(t.question()...)
	case t.st.Step != StepCase:
		t.hint("TelegramPhotoLater")
	default:
		t.followUp(FollowUp{Text: caption, Photo: f})
	}
}

// followUp adds what he sent to his case.
func (t *turn) followUp(f FollowUp) {
	if t.st.Deleting {
		t.hint("TelegramUseButtons")
		return
	}
	min := 1
	if f.Photo != nil {
		min = 0
	}
	if err := tropa.ValidateText(f.Text, "message", min, tropa.MaxMessageLen); err != nil {
		t.refused(err)
		return
	}
	if err := t.c.cfg.Desk.FollowUp(t.ctx, t.chat, f); err != nil {
		t.caseFailed(err)
		return
	}
	t.say(t.T("TelegramFollowUpSent"))
}

// caseFailed explains why the Desk refused something about the chat's
// case. A chat linked to no case (the node restarted, or the case is gone
// or erased) waits for his receipt, or /start for a new request.
func (t *turn) caseFailed(err error) {
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		t.st = State{Step: StepReceipt, Lang: t.st.Lang, Messages: t.st.Messages}
		t.say(t.T("TelegramNoCase"))
		return
	}
	t.refused(err)
}

// link links the chat to the request of the receipt he sent, and deletes
// his message with the receipt from the chat, where it would stay for
// anyone who takes his phone.
func (t *turn) link(receipt string) {
	if t.msg != 0 {
		t.reply.Delete = append(t.reply.Delete, t.msg)
	}
	if err := t.c.cfg.Desk.Link(t.ctx, t.chat, receipt); err != nil {
		t.refused(err)
		return
	}
	t.st = State{Step: StepCase, Lang: t.st.Lang, Messages: t.st.Messages}
	t.say(t.T("TelegramLinked"))
}

// looksLikeReceipt reports whether s reads as a receipt code, as the web
// form reads one (a group with a typo too: the desk explains it), so that
// a chat that has lost its state takes it as one.
func looksLikeReceipt(s string) bool {
	_, err := seal.ParseReceipt(s)
	var typo *seal.GroupError
	return err == nil || errors.As(err, &typo)
}

func (t *turn) status() {
	if t.st.Step != StepCase {
		t.hint("TelegramNotSentYet")
		return
	}
	s, err := t.c.cfg.Desk.Status(t.ctx, t.chat)
	if err != nil {
		t.caseFailed(err)
		return
	}
	t.say(t.Tmap("TelegramStatusStage", map[string]any{"Stage": t.stageName(s.Stage), "Date": s.SentOn.Format(time.DateOnly)}))
	if s.Answered {
		t.say(t.T("TelegramStatusAnswered"))
	} else {
		t.say(t.T("TelegramStatusWaiting"))
	}
}

// stageName is the organization's own name for a stage in the chat's
// language, else the catalogs' name of a built-in stage, else the stage's
// name in any language it has.
func (t *turn) stageName(stage tropa.Term) string {
	if n := stage.Name(t.st.Lang); n != "" {
		return n
	}
	if !stage.Custom() {
		return t.T("Stage_" + stage.Key)
	}
	for _, lang := range Languages {
		if n := stage.Name(lang); n != "" {
			return n
		}
	}
	return stage.Key
}

func (t *turn) askDelete() {
	t.st.Deleting = true
	t.send(t.deleteQuestion())
}

func (t *turn) deleteQuestion() Message {
	id := "TelegramDeleteAnswers"
	if t.st.Step == StepCase {
		id = "TelegramDeleteCase"
	}
	return Message{Text: t.T(id), Buttons: row(
		Button{t.T("TelegramDeleteYes"), dataDeleteYes}, Button{t.T("TelegramDeleteNo"), dataDeleteNo})}
}

// erase erases what he asked to: his answers, or his contact data at the
// desk and the chat's link to the case, and then the chat's messages.
func (t *turn) erase() {
	if t.st.Step == StepCase {
		if err := t.c.cfg.Desk.Erase(t.ctx, t.chat); err != nil && !tropa.IsCode(err, tropa.ENOTFOUND) {
			t.st.Deleting = false
			t.refused(err)
			t.say(t.T("TelegramNotDeleted"))
			return
		}
	}
	t.reply.Delete = t.st.Messages
	t.st = State{Lang: t.st.Lang}
	t.say(t.T("TelegramDeleted"))
}

func (t *turn) help() {
	text := t.T("TelegramHelp") + "\n\n" + t.T("TelegramHelpStaff") + "\n\n" + t.T("TelegramHelpReads")
	if t.c.cfg.OnionURL != "" {
		text += "\n\n" + t.Tmap("TelegramHelpOnion", map[string]any{"Address": t.c.cfg.OnionURL})
	}
	t.say(text)
}

// verify shows the organization's signed list of official channels, for
// him to check this bot against it.
func (t *turn) verify() {
	l, err := t.c.cfg.Desk.Channels(t.ctx)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		t.say(t.T("ChannelsNone"))
		return
	} else if err != nil {
		t.refused(err)
		return
	}
	text := t.T("ChannelsIntro") + "\n\n" + l.Organization + "\n"
	for _, ch := range l.Channels {
		text += t.T("ChannelKind_"+string(ch.Kind)) + ": " + ch.Value + "\n"
	}
	text += "\n" + t.T("ChannelsCheckAddress") + "\n\n" +
		t.Tmap("ChannelsSigned", map[string]any{"Date": l.Issued.Format(time.DateOnly)}) + "\n" +
		l.Fingerprint() + "\n\n" + t.T("ChannelsFingerprintHint")
	t.say(text)
}
