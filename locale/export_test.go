package locale

import "testing"

// ReadCatalog is lang's messages by id, read strictly from the catalog
// files, for the tests outside the package that check which ids exist.
func ReadCatalog(t *testing.T, lang string) map[string]string {
	t.Helper()
	return readCatalog(t, lang).msgs
}
