package locale

import (
	"strings"

	"tropa/stats"
)

// SeriesHeader is what a series file's header may call its columns: month
// and value, or their names in any of tropa's languages.
func (cs *Catalogs) SeriesHeader() stats.SeriesHeader {
	h := stats.SeriesHeader{}
	for _, col := range []string{stats.SeriesMonth, stats.SeriesValue} {
		h[col] = col
		for _, lang := range Languages() {
			h[strings.ToLower(cs.In(lang).T("SeriesColumn_"+col))] = col
		}
	}
	return h
}
