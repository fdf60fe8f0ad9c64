package tropa

import "time"

// Procedure is the kind of legal process a person who is out goes through.
type Procedure string

const (
	ProcedureAsylum     Procedure = "asylum"
	ProcedureRefugee    Procedure = "refugee"
	ProcedureHumanitary Procedure = "humanitarian_visa"
	ProcedureResidence  Procedure = "residence"
	ProcedureOther      Procedure = "other"
)

// Procedures lists the procedures in the order forms show them.
var Procedures = []Procedure{ProcedureAsylum, ProcedureRefugee, ProcedureHumanitary, ProcedureResidence, ProcedureOther}

// Valid reports whether p is a known procedure.
func (p Procedure) Valid() bool {
	for _, q := range Procedures {
		if p == q {
			return true
		}
	}
	return false
}

// Decision is what the authorities decided in a legal process.
type Decision string

const (
	DecisionPending Decision = "pending"
	DecisionGranted Decision = "granted"
	DecisionRefused Decision = "refused"
	DecisionOther   Decision = "other"
)

// Decisions lists the decisions in the order forms show them.
var Decisions = []Decision{DecisionPending, DecisionGranted, DecisionRefused, DecisionOther}

// Valid reports whether d is a known decision.
func (d Decision) Valid() bool {
	for _, e := range Decisions {
		if d == e {
			return true
		}
	}
	return false
}

// StepKind is what happens at a dated step of a legal process.
type StepKind string

const (
	StepFiled     StepKind = "filed"
	StepInterview StepKind = "interview"
	StepDecision  StepKind = "decision"
	StepAppeal    StepKind = "appeal"
	// StepOwn is a step of the organization's own, such as preparing
	// documents with the lawyer.
	StepOwn StepKind = "own"
)

// StepKinds lists the kinds of step in the order forms show them.
var StepKinds = []StepKind{StepFiled, StepInterview, StepDecision, StepAppeal, StepOwn}

// Valid reports whether k is a known kind of step.
func (k StepKind) Valid() bool {
	for _, s := range StepKinds {
		if k == s {
			return true
		}
	}
	return false
}

// MaxCountryLen and MaxHelperLen bound what is typed into a legal process.
const (
	MaxCountryLen = 80
	MaxHelperLen  = 500
)

// LegalProcess is one legal process of a case, opened: a humanitarian visa
// in one country, then asylum in another, are two.
type LegalProcess struct {
	ID        string
	RequestID string
	Position  int
	Procedure Procedure
	Decision  Decision
	// Country and Helper (the lawyer or partner organization) are sealed.
	Country   string
	Helper    string
	CreatedAt time.Time
	Steps     []LegalStep
}

// LegalStep is a dated step of a legal process, opened. A step whose time
// is ahead has a deadline of kind DeadlineLegal with the step's id, which
// orders the queue until the step is done.
type LegalStep struct {
	ID        string
	ProcessID string
	Kind      StepKind
	At        time.Time
	Note      string
	// Decision is what a step of kind StepDecision decided.
	Decision Decision
	Done     bool
}

// LegalProcessRecord is a legal process as stored: procedure and decision
// in clear for the figures, country and helper sealed under the case key.
type LegalProcessRecord struct {
	ID        string
	RequestID string
	// Position is the order processes of the case were started in.
	Position  int
	Procedure Procedure
	Decision  Decision
	// DecidedOn is the day of the decision, the only time of it in clear.
	DecidedOn     time.Time
	SealedCountry []byte
	SealedHelper  []byte
	CreatedAt     time.Time
}

// LegalStepRecord is a step as stored: its kind in clear, its exact time
// and note sealed.
type LegalStepRecord struct {
	ID         string
	ProcessID  string
	RequestID  string
	Kind       StepKind
	SealedStep []byte
	CreatedAt  time.Time
}

// DecisionCount is how many legal decisions of one procedure and outcome
// fell on one day.
type DecisionCount struct {
	Day       time.Time
	Procedure Procedure
	Decision  Decision
	Count     int
}

// CaseLegal records a change to a case's legal process in its history.
const CaseLegal CaseAction = "legal"
