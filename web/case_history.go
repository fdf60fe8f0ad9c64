package web

import (
	"strings"
	"time"

	"tropa"
	"tropa/desk"
)

// Dispositions are the choices of triage.
func (p *page) Dispositions() []tropa.Disposition { return tropa.Dispositions }

// DocumentStatuses are the choices of the document checklist.
func (p *page) DocumentStatuses() []tropa.DocumentStatus { return tropa.DocumentStatuses }

// HistoryText says in the page's language what one history entry records.
func (p *page) HistoryText(ev tropa.CaseEvent, names map[string]string) string {
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "—"
	}
	var text string
	switch ev.Action {
	case tropa.CaseTriage:
		text = p.T("History_triage", "To", p.T("Disposition_"+ev.To))
	case tropa.CaseStage:
		text = p.T("History_stage", "From", p.StageName(tropa.Stage(ev.From)), "To", p.StageName(tropa.Stage(ev.To)))
	case tropa.CaseUrgency:
		text = p.T("History_urgency", "From", p.urgencyName(ev.From), "To", p.urgencyName(ev.To))
	case tropa.CaseOutcome:
		text = p.T("History_outcome", "To", p.OutcomeName(tropa.Outcome(ev.To)))
	case tropa.CaseReopen:
		text = p.T("History_reopen", "From", p.OutcomeName(tropa.Outcome(ev.From)))
	case tropa.CaseAssign:
		text = p.T("History_assign", "To", name(ev.To))
	case tropa.CaseTransfer:
		text = p.T("History_transfer", "From", name(ev.From), "To", name(ev.To))
	case tropa.CaseRefer:
		text = p.T("History_refer", "To", name(ev.To))
	case tropa.CaseRemove:
		text = p.T("History_remove", "From", name(ev.From))
	case tropa.CaseRegrant:
		text = p.T("History_regrant", "To", name(ev.To))
	case tropa.CaseDocuments:
		text = p.T("History_documents", "Document", p.DocumentName(ev.Subject),
			"From", p.T("DocStatus_"+ev.From), "To", p.T("DocStatus_"+ev.To))
	case tropa.CaseRoute:
		if ev.Subject == "destination" {
			text = p.T("History_destination", "From", ev.From, "To", ev.To)
		} else {
			text = p.T("History_route")
		}
	case tropa.CaseDeadline:
		if ev.Subject == string(tropa.DeadlineWanted) {
			text = p.T("History_clock", "To", p.sealedTime(ev.To))
		} else {
			text = p.T("History_deadline", "Label", ev.Subject, "To", p.sealedTime(ev.To))
		}
	case tropa.CaseDone:
		label := ev.Subject
		if label == string(tropa.DeadlineWanted) {
			label = p.T("DeadlineKind_wanted")
		} else if tropa.StepKind(label).Valid() {
			label = p.T("LegalStep_" + label)
		}
		text = p.T("History_done", "Label", label)
	case tropa.CaseLink:
		text = p.T("History_link", "To", ev.To)
	case tropa.CaseEraseContact:
		text = p.T("History_erase_contact")
	case tropa.CaseKeepClosed:
		text = p.T("History_keep_closed")
	case tropa.CaseImport:
		text = p.T("History_import")
	case tropa.CaseCall:
		text = p.T("History_call", "Caller", p.T("Caller_"+ev.Subject))
	case tropa.CaseStay:
		text = p.T("History_stay_"+ev.Subject, "From", ev.From, "To", ev.To)
	case tropa.CaseLegal:
		text = p.legalHistory(ev)
	case tropa.CaseMeeting:
		text = p.T("History_meeting", "From", p.meetingState(ev.From), "To", p.meetingState(ev.To))
	case tropa.CaseMeetingWindow:
		text = p.T("History_meeting_window", "From", p.sealedWindow(ev.From), "To", p.sealedWindow(ev.To))
	default:
		text = string(ev.Action)
	}
	if ev.Note != "" {
		text += " — " + ev.Note
	}
	return text
}

// ActorName names who made a history entry: a staff member, or the
// applicant himself.
func (p *page) ActorName(actor string, names map[string]string) string {
	if n, ok := names[actor]; ok {
		return n
	}
	if actor == desk.ActorApplicant {
		return p.T("FromApplicant")
	}
	return "—"
}

func (p *page) urgencyName(u string) string {
	if u == tropa.UrgencyHigh.String() {
		return p.T("UrgencyHigh")
	}
	return p.T("UrgencyNormal")
}

// sealedTime shows a time kept inside a sealed history entry.
func (p *page) sealedTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return p.Clock(t)
}

// meetingState names a meeting's state in a history entry; an arranged
// meeting comes from none.
func (p *page) meetingState(st string) string {
	if st == "" {
		return "—"
	}
	return p.T("MeetingState_" + st)
}

// sealedWindow shows a window kept inside a sealed history entry as
// "start/end".
func (p *page) sealedWindow(s string) string {
	start, end, _ := strings.Cut(s, "/")
	return p.sealedTime(start) + " – " + p.sealedTime(end)
}
