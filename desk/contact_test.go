package desk

import (
	"testing"
	"time"

	"tropa"
	"tropa/seal"
)

// TestOpenContact opens a contact under its own key, one stored before
// contacts had keys of their own, and an erased one; a contact whose key is
// gone does not open under the case key.
func TestOpenContact(t *testing.T) {
	caseKey := seal.NewKey()
	sealed, sealedKey := sealContact(&caseKey, "r1", "@pyotr")
	tests := []struct {
		name string
		rr   tropa.RequestRecord
		want string
		fail bool
	}{
		{"own key", tropa.RequestRecord{Request: tropa.Request{ID: "r1"}, SealedContact: sealed, SealedContactKey: sealedKey}, "@pyotr", false},
		{"stored before", tropa.RequestRecord{Request: tropa.Request{ID: "r1"},
			SealedContact: seal.SealString(&caseKey, "@ivan", contactAAD("r1"))}, "@ivan", false},
		{"erased", tropa.RequestRecord{Request: tropa.Request{ID: "r1", ContactErasedAt: time.Unix(1, 0)}}, "", false},
		{"key destroyed, copy of the contact kept", tropa.RequestRecord{Request: tropa.Request{ID: "r1"}, SealedContact: sealed}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := openContact(&caseKey, &tt.rr)
			if (err != nil) != tt.fail || got != tt.want {
				t.Errorf("openContact = %q, %v; want %q, failing %v", got, err, tt.want, tt.fail)
			}
		})
	}
}
