package store

// SetFewKeys sets below how many keys Queue finds a holder's cases from
// their keys, so that tests can take both ways: 0 never does, and a large
// number always does.
func SetFewKeys(db *DB, n int) { db.fewKeys = n }
