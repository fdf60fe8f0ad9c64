// Package stats turns counts of requests, cases, meetings and stays into
// figures the organization can publish: over which days (periods, the one
// before, the same one a year before), against what (the change between
// two counts, as the press gives it), and with what withheld.
//
// Counts come from aggregate queries over the metadata kept in clear, at
// the day grain; nothing here opens a case.
//
// # What is withheld
//
// A count from 1 to below the threshold (the organization's, by a Rule;
// DefaultThreshold, 5, until changed) is published as "<5" (Small): so
// small a figure could point at a person. A 0 is published as it is,
// since it points at no one, and is never withheld.
// Then, for every total a table shows (of a row, of a column, of every
// cell), other counts are withheld (Hidden) until no withheld figure can
// be worked out exactly by a reader who knows how the table adds up, that
// a "<5" is from 1 to 4, that a withheld cell is at least 5 (else it would
// read "<5") and that a withheld total is at least 1. Suppress plays that
// reader, narrowing each withheld figure's bounds by every sum until
// nothing narrows, and withholds, beside a figure he pins down, the count
// that frees it: a cell before a total, the smallest first; a total "<5"
// is withheld only when nothing else frees its cells. Tables whose column
// totals count the same people (requests by kind and by channel) are
// suppressed together, so that a total withheld in one is withheld in
// all. A change between periods is published only where both of its
// counts are.
//
// A period's figures must be suppressed together with every figure they
// add up to elsewhere: the months of a quarter as the columns of one Grid,
// the quarter as its totals. Only counts that share a sum with a pinned
// figure are withheld to free it, so grids that share no sum are
// suppressed alike whatever sits beside them.
//
// A range of months is published as sums of those grids' figures, its
// whole quarters' and its other months' (Period.Parts), by PublishSums: a
// sum is shown only where every figure it adds is, so no range less
// another gives away what a month withholds; ranges are of whole months
// because a range of days less another would be a day.
package stats
