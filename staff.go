package tropa

import "time"

// Role decides what a staff member may ask to do; whether they can read a
// case is decided by whether its key is wrapped to them.
type Role string

const (
	RoleAdmin       Role = "admin"
	RoleCoordinator Role = "coordinator"
	RoleCaseworker  Role = "caseworker"
	RoleOperator    Role = "operator"
	RoleAnalyst     Role = "analyst"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleCaseworker, RoleOperator, RoleAnalyst}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if v == r {
			return true
		}
	}
	return false
}

// WorksCases reports whether the role works with requests and may hold case
// keys. Admins and analysts never do by default.
func (r Role) WorksCases() bool {
	return r == RoleCoordinator || r == RoleCaseworker || r == RoleOperator
}

// JoinsIntakeByDefault reports whether new staff of this role receive a
// wrapped key for every new request unless told otherwise.
func (r Role) JoinsIntakeByDefault() bool {
	return r == RoleCoordinator || r == RoleCaseworker
}

// Staff is a staff member as other staff see them.
type Staff struct {
	ID           string
	Name         string
	Role         Role
	Intake       bool
	Active       bool
	PublicKey    string
	TOTPEnrolled bool
	CreatedAt    time.Time
}

// Validate checks the fields an administrator types.
func (s *Staff) Validate() error {
	if err := ValidateText(s.Name, "name", 1, 64); err != nil {
		return err
	}
	if !s.Role.Valid() {
		return UserError(EINVALID, "ErrRoleInvalid", nil)
	}
	if s.Intake && !s.Role.WorksCases() {
		return UserError(EINVALID, "ErrIntakeRole", nil)
	}
	return nil
}
