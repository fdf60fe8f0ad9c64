package telegram_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"tropa"
	"tropa/official"
	"tropa/telegram"
)

// A whole conversation, in each language: start, the questions, the
// receipt, a follow-up and a photo, /status, /verify, /delete.
func TestConversation(t *testing.T) {
	for _, lang := range telegram.Languages {
		t.Run(lang, func(t *testing.T) {
			c := newChat(t)
			T := func(id string) string { return tr(t, lang, id, nil) }

			r := c.text("/start")
			if got, want := buttonData(r), []string{"lang:ru", "lang:uk", "lang:en"}; !slices.Equal(got, want) {
				t.Fatalf("language buttons %v, want %v (Russian first)", got, want)
			}
			mustContain(t, r, "Выберите язык", "Оберіть мову", "Choose a language")

			r = c.press("lang:" + lang)
			mustContain(t, r, T("FieldKind"), T("Kind_leave_unit"))
			var kinds []string
			for _, k := range tropa.Kinds {
				kinds = append(kinds, "kind:"+string(k))
			}
			if got := buttonData(r); !slices.Equal(got, kinds) {
				t.Fatalf("kind buttons %v, want %v", got, kinds)
			}

			r = c.press("kind:" + string(tropa.KindLeaveCountry))
			mustContain(t, r, T("FieldSituation"), T("Situation_absent"))
			if got := buttonData(r); len(got) != len(tropa.Situations) {
				t.Fatalf("situation buttons %v, want one per situation", got)
			}

			r = c.press("sit:" + string(tropa.SituationAbsent))
			mustContain(t, r, T("TelegramAskMessage"))
			r = c.text(secretMessage)
			mustContain(t, r, T("TelegramMoreMessage"))
			c.text("second part")
			r = c.press("done")
			mustContain(t, r, T("TelegramAskContact"))
			r = c.text("  " + secretContact + "\n")
			mustContain(t, r, T("Kind_leave_country"), T("Situation_absent"), secretMessage, "second part", secretContact)
			if got := buttonData(r); !slices.Equal(got, []string{"send", "restart"}) {
				t.Fatalf("confirmation buttons %v", got)
			}

			r = c.press("send")
			want := tropa.Submission{Kind: tropa.KindLeaveCountry, Situation: tropa.SituationAbsent,
				Channel: tropa.ChannelTelegram, Message: secretMessage + "\n\nsecond part", Contact: secretContact}
			if len(c.desk.subs) != 1 || !submissionsEqual(c.desk.subs[0], want) || c.desk.chats[0] != testChat {
				t.Fatalf("desk got %+v from %v, want %+v from %v", c.desk.subs, c.desk.chats, want, testChat)
			}
			if !r.Messages[0].Receipt || !strings.Contains(r.Messages[0].Text, receipt) ||
				!strings.Contains(r.Messages[0].Text, testSite) {
				t.Fatalf("first message is not the receipt with the web site: %+v", r.Messages[0])
			}
			for _, m := range r.Messages[1:] {
				if m.Receipt || strings.Contains(m.Text, receipt) {
					t.Fatalf("the receipt is in a message not marked as the receipt: %+v", m)
				}
			}
			mustContain(t, r, "/status: "+T("TelegramCommand_status"), "/delete: "+T("TelegramCommand_delete"))
			noPersonalData(t, c.st)

			r = c.text("a later word")
			mustContain(t, r, T("TelegramFollowUpSent"))
			photo := &telegram.File{Kind: telegram.FilePhoto, ID: "photo-file", Size: 200 << 10}
			r = c.event(telegram.Event{Kind: telegram.EventFile, File: photo, Text: "the page"})
			mustContain(t, r, T("TelegramFollowUpSent"))
			wantUps := []telegram.FollowUp{{Text: "a later word"}, {Text: "the page", Photo: photo}}
			if !slices.EqualFunc(c.desk.followUps, wantUps, func(a, b telegram.FollowUp) bool {
				return a.Text == b.Text && a.Photo == b.Photo
			}) {
				t.Fatalf("follow-ups %+v, want %+v", c.desk.followUps, wantUps)
			}

			r = c.text("/status")
			mustContain(t, r, T("Stage_counselling"), "2026-12-01", T("TelegramStatusAnswered"))

			r = c.text("/verify")
			l := testList()
			mustContain(t, r, l.Fingerprint(), "1234567890 @example_help_bot", testSite, "2026-12-05",
				T("ChannelKind_telegram-bot"))

			r = c.text("/delete")
			if got := buttonData(r); !slices.Equal(got, []string{"delete:yes", "delete:no"}) {
				t.Fatalf("/delete asks with %v", got)
			}
			remembered := slices.Clone(c.st.Messages)
			r = c.press("delete:yes")
			if c.desk.erased != 1 {
				t.Fatalf("desk erased %d times, want 1", c.desk.erased)
			}
			if !slices.Contains(r.Delete, c.receiptID) || !slices.Equal(r.Delete, remembered) {
				t.Fatalf("deletes %v, want every message remembered %v, the receipt (%d) among them", r.Delete, remembered, c.receiptID)
			}
			if c.st.Step != telegram.StepNew || len(c.st.Messages) > 1 || c.st.Lang != lang {
				t.Fatalf("state after /delete: %+v", c.st)
			}
			mustContain(t, r, T("TelegramDeleted"))
		})
	}
}

// submissionsEqual compares submissions without files.
func submissionsEqual(a, b tropa.Submission) bool {
	return a.Kind == b.Kind && a.Situation == b.Situation && a.Channel == b.Channel &&
		a.Message == b.Message && a.Contact == b.Contact && len(a.Files) == 0 && len(b.Files) == 0
}

// noPersonalData fails unless st, as it would be stored, is free of what
// the applicant typed.
func noPersonalData(t testing.TB, st telegram.State) {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, marker := range []string{"marker-message", "marker-contact", "second part", string(tropa.KindLeaveCountry),
		string(tropa.SituationAbsent), receipt} {
		if strings.Contains(string(b), marker) {
			t.Fatalf("state after submitting holds %q: %s", marker, b)
		}
	}
	var back telegram.State
	if err := json.Unmarshal(b, &back); err != nil || back.Step != st.Step || back.Lang != st.Lang ||
		!slices.Equal(back.Messages, st.Messages) {
		t.Fatalf("state does not read back: %s → %+v (%v)", b, back, err)
	}
}

// The state holds the answers until the request is sent: serialised, it
// shows them, which is why the caller keeps it in memory until then.
func TestStateHoldsAnswersOnlyUntilSubmitted(t *testing.T) {
	c := newChat(t)
	c.answer("en", telegram.StepConfirm)
	b, err := json.Marshal(c.st)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "marker-message") || !strings.Contains(string(b), "marker-contact") {
		t.Fatalf("state before submitting lost the answers: %s", b)
	}
	c.press("send")
	noPersonalData(t, c.st)
}

// He may switch language at any point; what he answered stays, and the
// question he is at is asked again in the new language.
func TestLanguageSwitch(t *testing.T) {
	for _, step := range []telegram.Step{telegram.StepKind, telegram.StepSituation, telegram.StepMessage,
		telegram.StepContact, telegram.StepConfirm, telegram.StepCase} {
		t.Run(string(step), func(t *testing.T) {
			c := newChat(t)
			c.answer("ru", step)
			before := c.st.Answers
			r := c.text("/language")
			if got := buttonData(r); !slices.Equal(got, []string{"lang:ru", "lang:uk", "lang:en"}) {
				t.Fatalf("/language offers %v", got)
			}
			r = c.press("lang:uk")
			if c.st.Step != step || c.st.Lang != "uk" || c.st.Answers != before {
				t.Fatalf("after switching: %+v, want step %q in uk with answers %+v", c.st, step, before)
			}
			want := map[telegram.Step]string{
				telegram.StepKind:      tr(t, "uk", "FieldKind", nil),
				telegram.StepSituation: tr(t, "uk", "FieldSituation", nil),
				telegram.StepMessage:   tr(t, "uk", "TelegramAskMessage", nil),
				telegram.StepContact:   tr(t, "uk", "TelegramAskContact", nil),
				telegram.StepConfirm:   tr(t, "uk", "Kind_leave_country", nil),
				telegram.StepCase:      tr(t, "uk", "TelegramCaseHelp", nil),
			}[step]
			mustContain(t, r, want)
		})
	}
}

// A button of an earlier question, pressed later, changes that answer and
// keeps the others.
func TestEarlierAnswerChanged(t *testing.T) {
	c := newChat(t)
	c.answer("en", telegram.StepConfirm)
	r := c.press("kind:" + string(tropa.KindLegal))
	if c.st.Step != telegram.StepConfirm || c.st.Answers.Kind != tropa.KindLegal || c.st.Answers.Message != secretMessage {
		t.Fatalf("after changing the kind: %+v", c.st)
	}
	mustContain(t, r, tr(t, "en", "Kind_legal", nil), secretMessage)
	c.press("restart")
	if c.st.Step != telegram.StepKind || c.st.Answers != (telegram.Answers{}) {
		t.Fatalf("start over kept %+v", c.st)
	}
}

// The signed list of channels, or that none is published yet.
func TestVerify(t *testing.T) {
	c := newChat(t)
	c.desk.noList = true
	mustContain(t, c.text("/verify"), tr(t, "ru", "ChannelsNone", nil))
	c.desk.noList = false
	r := c.text("/verify")
	for _, ch := range testList().Channels {
		if ch.Kind == official.KindTelegramBot || ch.Kind == official.KindWeb {
			mustContain(t, r, ch.Value)
		}
	}
}

// /help says what the bot does, that staff never ask for passwords or
// location, that Telegram reads chats with bots, and offers the onion form.
func TestHelp(t *testing.T) {
	for _, lang := range telegram.Languages {
		c := newChat(t)
		c.answer(lang, telegram.StepKind)
		r := c.text("/help")
		mustContain(t, r, tr(t, lang, "TelegramHelpStaff", nil), tr(t, lang, "TelegramHelpReads", nil), testOnion)
		if c.st.Step != telegram.StepKind {
			t.Fatalf("/help moved the chat to %q", c.st.Step)
		}
	}
}

func TestRememberKeepsNewest(t *testing.T) {
	var st telegram.State
	for id := 1; id <= telegram.MaxRemembered+10; id++ {
		st.Remember(id)
	}
	st.Remember(telegram.MaxRemembered + 10)
	if len(st.Messages) != telegram.MaxRemembered || st.Messages[0] != 11 ||
		st.Messages[len(st.Messages)-1] != telegram.MaxRemembered+10 {
		t.Fatalf("remembered %d ids from %d to %d", len(st.Messages), st.Messages[0], st.Messages[len(st.Messages)-1])
	}
}

// A reply longer than Telegram takes in one message arrives in parts, cut
// The menu of commands, described in each language.
func TestCommands(t *testing.T) {
	c := newChat(t)
	for _, lang := range append(slices.Clone(telegram.Languages), "de") {
		cmds := c.conv.Commands(lang)
		var names []string
		for _, cmd := range cmds {
			if cmd.Description == "" || rawID.MatchString(cmd.Description) {
				t.Errorf("%s /%s described as %q", lang, cmd.Name, cmd.Description)
			}
			names = append(names, cmd.Name)
		}
		if want := []string{"start", "status", "delete", "language", "verify", "help"}; !slices.Equal(names, want) {
			t.Errorf("%s: commands %v, want %v", lang, names, want)
		}
	}
	if got, want := c.conv.Commands("de")[0].Description, tr(t, "ru", "TelegramCommand_start", nil); got != want {
		t.Errorf("a language the bot does not speak reads %q, want Russian %q", got, want)
	}
}
