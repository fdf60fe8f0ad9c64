package tropa

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Term is one entry of a list the organization can rename and extend: a
// stage, an outcome or a document. A built-in term is named by the message
// catalogs unless Names overrides it; a term the organization added has
// only its Names.
type Term struct {
	Key   string            `json:"key"`
	Names map[string]string `json:"names,omitempty"`
}

// Name is the organization's own name for the term in lang, or "" when the
// catalogs' name stands.
func (t Term) Name(lang string) string {
	return t.Names[lang]
}

// Custom reports whether the organization added the term.
func (t Term) Custom() bool {
	return strings.HasPrefix(t.Key, customPrefix)
}

// customPrefix starts the key of every term an organization adds, so that
// no added key can be taken for a built-in one.
const customPrefix = "x_"

// Vocabulary is the organization's stages, outcomes and document kinds,
// kept in settings so that they change without a new release.
type Vocabulary struct {
	Stages    []Term `json:"stages"`
	Outcomes  []Term `json:"outcomes"`
	Documents []Term `json:"documents"`
	// WantedAfter is how long after leaving his unit a man is likely to be
	// declared wanted.
	WantedAfter time.Duration `json:"wanted_after"`
}

// DefaultVocabulary is what an organization starts with.
func DefaultVocabulary() Vocabulary {
	terms := func(keys ...string) []Term {
		ts := make([]Term, len(keys))
		for i, k := range keys {
			ts[i] = Term{Key: k}
		}
		return ts
	}
	return Vocabulary{
		Stages: terms(string(StageNew), string(StageTriage), string(StageCounselling), string(StageExitPlan),
			string(StageInTransit), string(StageSafe), string(StageLegalStatus), string(StageClosed)),
		Outcomes: terms(string(OutcomeLeftCountry), string(OutcomeSurrendered), string(OutcomeReturnedToUnit),
			string(OutcomeDetained), string(OutcomeSuspendedSentence), string(OutcomeImprisoned),
			string(OutcomeLostContact), string(OutcomeHelpedOtherwise), string(OutcomeWithdrew)),
		Documents:   terms(DocumentInternalPassport, DocumentInternationalPassport, DocumentMilitaryID),
		WantedAfter: DefaultWantedAfter,
	}
}

// ParseVocabulary reads a vocabulary saved by MarshalVocabulary. Built-in
// terms missing from it, as after an upgrade that adds one, are put back.
func ParseVocabulary(s string) (Vocabulary, error) {
	var v Vocabulary
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return Vocabulary{}, Errorf(EINTERNAL, "vocabulary setting: %v", err)
	}
	def := DefaultVocabulary()
	v.Stages = withBuiltins(v.Stages, def.Stages, string(StageClosed))
	v.Outcomes = withBuiltins(v.Outcomes, def.Outcomes, "")
	v.Documents = withBuiltins(v.Documents, def.Documents, "")
	if v.WantedAfter <= 0 {
		v.WantedAfter = def.WantedAfter
	}
	return v, nil
}

// withBuiltins adds the built-in terms that ts lacks, before the term
// keyed last if it is there, else at the end.
func withBuiltins(ts, builtins []Term, last string) []Term {
	for _, b := range builtins {
		if slices.ContainsFunc(ts, func(t Term) bool { return t.Key == b.Key }) {
			continue
		}
		i := slices.IndexFunc(ts, func(t Term) bool { return t.Key == last })
		if i < 0 || b.Key == last {
			i = len(ts)
		}
		ts = slices.Insert(ts, i, b)
	}
	return ts
}

// Marshal returns the vocabulary as it is saved in settings.
func (v Vocabulary) Marshal() string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // a struct of strings and maps always marshals
	}
	return string(b)
}

// HasStage reports whether s is one of the organization's stages.
func (v Vocabulary) HasStage(s Stage) bool { return hasTerm(v.Stages, string(s)) }

// HasOutcome reports whether o is one of the organization's outcomes.
func (v Vocabulary) HasOutcome(o Outcome) bool { return hasTerm(v.Outcomes, string(o)) }

// HasDocument reports whether key is one of the organization's documents.
func (v Vocabulary) HasDocument(key string) bool { return hasTerm(v.Documents, key) }

func hasTerm(ts []Term, key string) bool {
	return slices.ContainsFunc(ts, func(t Term) bool { return t.Key == key })
}

// MaxTermNameLen bounds the name of a term, in characters.
const MaxTermNameLen = 60

// TermList names one of the vocabulary's lists.
type TermList string

const (
	ListStages    TermList = "stages"
	ListOutcomes  TermList = "outcomes"
	ListDocuments TermList = "documents"
)

func (v *Vocabulary) list(l TermList) (*[]Term, error) {
	switch l {
	case ListStages:
		return &v.Stages, nil
	case ListOutcomes:
		return &v.Outcomes, nil
	case ListDocuments:
		return &v.Documents, nil
	}
	return nil, UserError(EINVALID, "ErrTermList", nil)
}

// Rename gives a term the organization's own names, by language; an empty
// name puts back the catalogs' name of a built-in term.
func (v *Vocabulary) Rename(l TermList, key string, names map[string]string) error {
	ts, err := v.list(l)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(*ts, func(t Term) bool { return t.Key == key })
	if i < 0 {
		return UserError(ENOTFOUND, "ErrTermUnknown", nil)
	}
	clean, err := cleanNames(names)
	if err != nil {
		return err
	}
	if (*ts)[i].Custom() && len(clean) == 0 {
		return UserError(EINVALID, "ErrTermNameRequired", nil)
	}
	(*ts)[i].Names = clean
	return nil
}

// Add appends a term of the organization's own, named in one or more
// languages; a new stage goes before "closed". It returns the new key.
func (v *Vocabulary) Add(l TermList, names map[string]string) (string, error) {
	ts, err := v.list(l)
	if err != nil {
		return "", err
	}
	clean, err := cleanNames(names)
	if err != nil {
		return "", err
	}
	if len(clean) == 0 {
		return "", UserError(EINVALID, "ErrTermNameRequired", nil)
	}
	const maxTerms = 50
	if len(*ts) >= maxTerms {
		return "", UserError(EINVALID, "ErrTooManyTerms", map[string]any{"Max": maxTerms})
	}
	t := Term{Key: customPrefix + NewID()[:10], Names: clean}
	i := len(*ts)
	if l == ListStages {
		i = slices.IndexFunc(*ts, func(t Term) bool { return t.Key == string(StageClosed) })
	}
	*ts = slices.Insert(*ts, i, t)
	return t.Key, nil
}

func cleanNames(names map[string]string) (map[string]string, error) {
	clean := make(map[string]string)
	for lang, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if err := ValidateText(n, "name", 1, MaxTermNameLen); err != nil {
			return nil, err
		}
		clean[lang] = n
	}
	if len(clean) == 0 {
		return nil, nil
	}
	return clean, nil
}
