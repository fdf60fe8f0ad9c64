package tropa

import "slices"

// Permission is something a staff member may ask to do. Roles decide who
// may ask; for anything inside a case, holding its wrapped key decides who
// can, whatever the role.
type Permission string

const (
	// PermQueueAll is seeing the queue metadata of every case, not only
	// those one holds.
	PermQueueAll Permission = "queue_all"
	// PermQueue is seeing the cases one holds and opening them.
	PermQueue Permission = "queue"
	// PermEnter is typing in a request taken on the phone.
	PermEnter Permission = "enter"
	// PermWrite is writing to the applicant and adding notes.
	PermWrite Permission = "write"
	// PermSchedule is adding and closing deadlines and meetings.
	PermSchedule Permission = "schedule"
	// PermWork is triage, stages, urgency, outcome, documents, route and
	// links.
	PermWork Permission = "work"
	// PermRefer is giving a lawyer or psychologist access to a case one
	// holds.
	PermRefer Permission = "refer"
	// PermAssign is choosing or changing a case's owner and removing
	// people from it.
	PermAssign Permission = "assign"
	// PermStaff is deactivating staff and resetting their TOTP.
	PermStaff Permission = "staff"
	// PermSettings is renaming and adding stages, outcomes and documents.
	PermSettings Permission = "settings"
	// PermStats is seeing the counts, which name nobody.
	PermStats Permission = "stats"
	// PermAudit is reading the audit log: who did what to which case, and
	// when, never what the case holds.
	PermAudit Permission = "audit"
	// PermTeam is adding staff members on the web.
	PermTeam Permission = "team"
	// PermCallLoad is seeing how many calls came in per hour and per day
	// against a week before, which names no case.
	PermCallLoad Permission = "call_load"
	// PermShelters is adding shelters and granting a shelter's key to
	// those who place people there.
	PermShelters Permission = "shelters"
	// PermPlace is seeing the shelters one holds the key to and booking
	// stays in them for the cases one holds.
	PermPlace Permission = "place"
	// PermLegal is seeing and working a case's legal process: asylum,
	// refugee status, visas, and the lawyer helping.
	PermLegal Permission = "legal"
)

var permissions = map[Role][]Permission{
	RoleAdmin:       {PermStaff, PermSettings, PermStats, PermAudit, PermTeam},
	RoleCoordinator: {PermQueueAll, PermQueue, PermEnter, PermWrite, PermSchedule, PermWork, PermRefer, PermAssign, PermStaff, PermStats, PermAudit, PermCallLoad, PermShelters, PermPlace, PermLegal},
	RoleCaseworker:  {PermQueue, PermEnter, PermWrite, PermSchedule, PermWork, PermRefer, PermPlace, PermLegal},
	RoleOperator:    {PermQueue, PermEnter, PermWrite, PermSchedule},
	RoleAnalyst:     {PermStats},
}

// Can reports whether the role may ask to do p.
func (r Role) Can(p Permission) bool { return slices.Contains(permissions[r], p) }

// Manages reports whether a staff member of role r may deactivate or reset
// one of role other: admins anyone, coordinators the people who work cases
// under them.
func (r Role) Manages(other Role) bool {
	switch r {
	case RoleAdmin:
		return true
	case RoleCoordinator:
		return other == RoleCaseworker || other == RoleOperator
	}
	return false
}
