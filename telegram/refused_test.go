package telegram_test

import (
	"slices"
	"strings"
	"testing"

	"tropa"
	"tropa/telegram"
)

// A bad answer at any step gets a clear message in his language, keeps
// what was accepted, and asks the question again.
func TestBadAnswers(t *testing.T) {
	file := func(f telegram.File) telegram.Event { return telegram.Event{Kind: telegram.EventFile, File: &f} }
	text := func(s string) telegram.Event { return telegram.Event{Kind: telegram.EventText, Text: s} }
	press := func(d string) telegram.Event { return telegram.Event{Kind: telegram.EventButton, Data: d} }
	tests := []struct {
		name string
		at   telegram.Step
		ev   telegram.Event
		// want are catalog ids (in his language) or plain strings the
		// answer must contain.
		want []string
	}{
		{"text for a language", telegram.StepLanguage, text("hello"), []string{"TelegramUseButtons", "TelegramChooseLanguage"}},
		{"unknown language", telegram.StepLanguage, press("lang:de"), []string{"TelegramOldButton", "TelegramChooseLanguage"}},
		{"text for a kind", telegram.StepKind, text("help me"), []string{"TelegramUseButtons", "FieldKind"}},
		{"unknown kind", telegram.StepKind, press("kind:holiday"), []string{"TelegramOldButton", "FieldKind"}},
		{"situation before the kind", telegram.StepKind, press("sit:front"), []string{"TelegramOldButton", "FieldKind"}},
		{"text for a situation", telegram.StepSituation, text("at home"), []string{"TelegramUseButtons", "FieldSituation"}},
		{"done before a message", telegram.StepMessage, press("done"), []string{"Field_message", "TelegramAskMessage"}},
		{"hidden control characters", telegram.StepMessage, text("a\u202eb"), []string{"Field_message", "TelegramAskMessage"}},
		{"message too long", telegram.StepMessage, text(strings.Repeat("я", tropa.MaxMessageLen+1)),
			[]string{"Field_message", "TelegramAskMessage"}},
		{"contact too long", telegram.StepContact, text(strings.Repeat("c", tropa.MaxContactLen+1)),
			[]string{"Field_contact", "TelegramAskContact"}},
		{"contact with a NUL", telegram.StepContact, text("a\x00b"), []string{"Field_contact", "TelegramAskContact"}},
		{"text at the confirmation", telegram.StepConfirm, text("one more thing"), []string{"TelegramUseButtons", "TelegramConfirm"}},
		{"photo before the request", telegram.StepMessage, file(telegram.File{Kind: telegram.FilePhoto, ID: "p", Size: 1000}),
			[]string{"TelegramPhotoLater"}},
		{"a PDF", telegram.StepCase, file(telegram.File{Kind: telegram.FileDocument, ID: "d", Size: 1000, Name: "scan.pdf", MIME: "application/pdf"}),
			[]string{"TelegramFileNotPhoto"}},
		{"a voice message", telegram.StepKind, file(telegram.File{Kind: telegram.FileOther, ID: "v", Size: 1000}),
			[]string{"TelegramFileNotPhoto", "FieldKind"}},
		{"an oversized photo", telegram.StepCase, file(telegram.File{Kind: telegram.FileDocument, ID: "d", Size: tropa.MaxAttachmentSize + 1,
			Name: "big.jpg", MIME: "image/jpeg"}), []string{"big.jpg", "TelegramCaseHelp"}},
		{"no file", telegram.StepCase, telegram.Event{Kind: telegram.EventFile}, []string{"TelegramUnknownInput"}},
		{"an edited message", telegram.StepContact, telegram.Event{Kind: telegram.EventEdited, Text: "changed"},
			[]string{"TelegramEdited", "TelegramAskContact"}},
		{"a location", telegram.StepSituation, telegram.Event{Kind: telegram.EventOther}, []string{"TelegramUnknownInput", "FieldSituation"}},
		{"an unknown kind of event", telegram.StepKind, telegram.Event{Kind: 99}, []string{"TelegramUnknownInput", "FieldKind"}},
		{"an unknown command", telegram.StepMessage, text("/order pizza"), []string{"TelegramUnknownCommand", "TelegramAskMessage"}},
		{"status before sending", telegram.StepSituation, text("/status"), []string{"TelegramNotSentYet", "FieldSituation"}},
		{"start after sending", telegram.StepCase, text("/start"), []string{"TelegramAlreadySent"}},
		{"old button after sending", telegram.StepCase, press("kind:legal"), []string{"TelegramOldButton", "TelegramCaseHelp"}},
		{"confirm delete without asking", telegram.StepCase, press("delete:yes"), []string{"TelegramOldButton"}},
		{"empty follow-up", telegram.StepCase, text(""), []string{"Field_message"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newChat(t)
			c.answer("uk", tc.at)
			before := c.st
			r := c.event(tc.ev)
			if c.st.Step != tc.at || c.st.Answers != before.Answers {
				t.Fatalf("state became %+v, want it kept at %q with %+v", c.st, tc.at, before.Answers)
			}
			lang := "uk"
			if tc.at == telegram.StepLanguage {
				lang = "ru" // until he picks one
			}
			for _, w := range tc.want {
				if strings.ContainsAny(w, "_") || strings.HasPrefix(w, "Telegram") || strings.HasPrefix(w, "Field") {
					w = firstLine(tr(t, lang, w, nil))
				}
				mustContain(t, r, w)
			}
			if c.desk.erased != 0 || len(c.desk.followUps) != 0 || len(c.desk.subs) > 1 {
				t.Fatalf("a refused answer reached the desk: %+v", c.desk)
			}
		})
	}
}

// firstLine is the start of a message, before any placeholder.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s, _, _ = strings.Cut(s, "‹")
	return s
}

// An addition that makes the message too long is refused and what was
// written before stays.
func TestMessageKeptWhenAdditionRefused(t *testing.T) {
	c := newChat(t)
	c.answer("en", telegram.StepMessage)
	c.text(secretMessage)
	r := c.text(strings.Repeat("x", tropa.MaxMessageLen))
	mustContain(t, r, tr(t, "en", "TelegramMoreMessage", nil))
	if c.st.Answers.Message != secretMessage || c.st.Step != telegram.StepMessage {
		t.Fatalf("after a refused addition: %+v", c.st)
	}
}

// When the desk is saturated he is asked to try again later, and nothing
// he answered is lost.
func TestDeskBusy(t *testing.T) {
	for _, code := range []string{tropa.EBUSY, tropa.ERATELIMIT, tropa.EUNAVAILABLE, tropa.EINTERNAL} {
		t.Run(code, func(t *testing.T) {
			c := newChat(t)
			c.answer("ru", telegram.StepConfirm)
			c.desk.fail["Submit"] = tropa.Errorf(code, "saturated")
			r := c.press("send")
			want := "TelegramTryLater"
			if code == tropa.EINTERNAL {
				want = "Err_internal"
			}
			mustContain(t, r, tr(t, "ru", want, nil), tr(t, "ru", "TelegramAnswersKept", nil))
			if c.st.Step != telegram.StepConfirm || c.st.Answers.Message != secretMessage || c.st.Answers.Contact != secretContact {
				t.Fatalf("answers lost: %+v", c.st)
			}
			for _, m := range r.Messages {
				if m.Receipt {
					t.Fatal("a receipt for a request not stored")
				}
			}
			c.press("send")
			if c.st.Step != telegram.StepCase || len(c.desk.subs) != 1 {
				t.Fatalf("sending again: %+v, desk has %d requests", c.st, len(c.desk.subs))
			}
			c.desk.fail["FollowUp"] = tropa.Errorf(code, "saturated")
			mustContain(t, c.text("later"), tr(t, "ru", want, nil))
			c.desk.fail["Status"] = tropa.Errorf(code, "saturated")
			mustContain(t, c.text("/status"), tr(t, "ru", want, nil))
			c.desk.fail["Channels"] = tropa.Errorf(code, "saturated")
			mustContain(t, c.text("/verify"), tr(t, "ru", want, nil))
			c.text("/delete")
			c.desk.fail["Erase"] = tropa.Errorf(code, "saturated")
			r = c.press("delete:yes")
			mustContain(t, r, tr(t, "ru", want, nil), tr(t, "ru", "TelegramNotDeleted", nil))
			if len(r.Delete) != 0 || c.st.Step != telegram.StepCase || c.st.Deleting {
				t.Fatalf("an erase that failed deleted %v, state %+v", r.Delete, c.st)
			}
		})
	}
}

// A desk error that explains itself is shown as the web site shows it.
func TestDeskExplains(t *testing.T) {
	c := newChat(t)
	c.answer("en", telegram.StepCase)
	c.desk.fail["FollowUp"] = tropa.UserError(tropa.EINVALID, "ErrTooManyFiles", map[string]any{"Max": 3})
	r := c.event(telegram.Event{Kind: telegram.EventFile, File: &telegram.File{Kind: telegram.FilePhoto, ID: "p"}})
	mustContain(t, r, words(t)("en").Explain(tropa.UserError(tropa.EINVALID, "ErrTooManyFiles", map[string]any{"Max": 3})))
}

// A chat linked to no case (the case is gone, or the link was lost) asks
// for the receipt: a wrong one is explained, the right one links the chat
// again and his message with it is deleted; /start begins a new request
// instead.
func TestCaseGone(t *testing.T) {
	c := newChat(t)
	c.answer("en", telegram.StepCase)
	c.desk.fail["FollowUp"] = tropa.Errorf(tropa.ENOTFOUND, "no case for this chat")
	mustContain(t, c.text("hello"), tr(t, "en", "TelegramNoCase", nil))
	if c.st.Step != telegram.StepReceipt || c.st.Lang != "en" {
		t.Fatalf("state %+v, want a chat in English waiting for the receipt", c.st)
	}
	delete(c.desk.fail, "FollowUp")
	c.desk.fail["Link"] = tropa.Errorf(tropa.EINTERNAL, "a text that is no receipt reached the desk")
	mustContain(t, c.text("hello?"), tr(t, "en", "TelegramNoCase", nil))
	delete(c.desk.fail, "Link")
	wrong := c.text("11111 22222 33333 44444 55555 66666 77777")
	mustContain(t, wrong, tr(t, "en", "ErrReceiptUnknown", nil))
	if c.st.Step != telegram.StepReceipt || !slices.Contains(wrong.Delete, c.last-len(wrong.Messages)) {
		t.Fatalf("after a wrong receipt: %+v, deleting %v", c.st, wrong.Delete)
	}
	right := c.text(receipt)
	mustContain(t, right, tr(t, "en", "TelegramLinked", nil))
	if c.st.Step != telegram.StepCase || !slices.Contains(right.Delete, c.last-len(right.Messages)) {
		t.Fatalf("after his receipt: %+v, deleting %v; want the case, his message deleted", c.st, right.Delete)
	}
	mustContain(t, c.text("hello again"), tr(t, "en", "TelegramFollowUpSent", nil))

	c.desk.fail["Status"] = tropa.Errorf(tropa.ENOTFOUND, "no case for this chat")
	c.text("/status")
	c.text("/start")
	if c.st.Step != telegram.StepLanguage {
		t.Fatalf("/start after the case was gone: %+v", c.st)
	}
}

// A chat whose state was lost with the node that held it is told it may
// send its receipt, and takes the receipt as its first message.
func TestReceiptAfterRestart(t *testing.T) {
	c := newChat(t)
	c.st = telegram.State{}
	mustContain(t, c.text("здравствуйте, это снова я"), tr(t, "ru", "TelegramHaveReceipt", nil))
	c.st = telegram.State{}
	mustContain(t, c.text(receipt), tr(t, "ru", "TelegramLinked", nil))
	if c.st.Step != telegram.StepCase {
		t.Fatalf("state %+v, want the case", c.st)
	}
	mustContain(t, c.text("/status"), "2026-12-01")
}

// /delete before sending drops his answers and the chat's messages; the
// desk, which has nothing of his, is not asked. "No" keeps everything.
func TestDeleteBeforeSending(t *testing.T) {
	c := newChat(t)
	c.answer("en", telegram.StepConfirm)
	c.text("/delete")
	c.text("what?")
	if !c.st.Deleting {
		t.Fatal("a text ended the question of /delete")
	}
	c.press("delete:no")
	if c.st.Deleting || c.st.Answers.Message != secretMessage || c.st.Step != telegram.StepConfirm {
		t.Fatalf("after no: %+v", c.st)
	}
	c.text("/delete")
	remembered := c.st.Messages
	r := c.press("delete:yes")
	if c.desk.erased != 0 || len(r.Delete) != len(remembered) || c.st.Answers != (telegram.Answers{}) || c.st.Step != telegram.StepNew {
		t.Fatalf("after yes: erased %d, deleted %v, state %+v", c.desk.erased, r.Delete, c.st)
	}
}
