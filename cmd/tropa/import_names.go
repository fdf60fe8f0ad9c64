package main

import (
	"strings"

	"tropa"
	"tropa/locale"
)

// historyNames maps what a history file may write in a column to the key
// it means, by column: the key itself, or the name staff or applicants
// read for it in any of tropa's languages, whatever its case. A name two
// keys share means neither.
type historyNames map[string]map[string]string

// key is the key v means in col, or v as it is.
func (n historyNames) key(col, v string) string {
	v = strings.TrimSpace(v)
	if k, ok := n[col][strings.ToLower(v)]; ok {
		return k
	}
	return v
}

// newHistoryNames gathers the names of the channels, kinds, situations and
// the organization's outcomes from the catalogs and vocabulary v.
func newHistoryNames(v tropa.Vocabulary) (historyNames, error) {
	names := historyNames{}
	shared := map[string]map[string]bool{}
	add := func(col, key, name string) {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			return
		}
		if names[col] == nil {
			names[col], shared[col] = map[string]string{}, map[string]bool{}
		}
		if k, ok := names[col][name]; ok && k != key {
			shared[col][name] = true
		}
		names[col][name] = key
	}
	for _, lang := range []string{"ru", "uk", "en"} {
		c, err := locale.New(lang)
		if err != nil {
			return nil, err
		}
		// A catalog without the id answers with the id, which is no name.
		named := func(col, key string, ids ...string) {
			for _, id := range ids {
				if n := c.Text(id, nil); n != id {
					add(col, key, n)
				}
			}
		}
		for _, ch := range tropa.Channels {
			named(colChannel, string(ch), "Channel_"+string(ch))
		}
		for _, k := range tropa.Kinds {
			named(colKind, string(k), "Kind_"+string(k), "StaffKind_"+string(k))
		}
		for _, s := range tropa.Situations {
			named(colSituation, string(s), "Situation_"+string(s), "StaffSituation_"+string(s))
		}
		for _, t := range v.Outcomes {
			if n := t.Name(lang); n != "" {
				add(colOutcome, t.Key, n)
			} else if !t.Custom() {
				named(colOutcome, t.Key, "Outcome_"+t.Key)
			}
		}
	}
	for col, set := range shared {
		for name := range set {
			delete(names[col], name)
		}
	}
	for _, ch := range tropa.Channels {
		add(colChannel, string(ch), string(ch))
	}
	for _, k := range tropa.Kinds {
		add(colKind, string(k), string(k))
	}
	for _, s := range tropa.Situations {
		add(colSituation, string(s), string(s))
	}
	for _, t := range v.Outcomes {
		add(colOutcome, t.Key, t.Key)
	}
	return names, nil
}
