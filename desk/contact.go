package desk

import (
	"tropa"
	"tropa/seal"
)

// sealContact seals an applicant's contact details under a key of their
// own, and that key under the case key. Erasing the contact destroys its
// key: a copy of the sealed contact that outlives the erasure, in a backup
// or a disk image, then opens with no key that still exists, although the
// case key lives on for the rest of the case.
func sealContact(caseKey *seal.Key, requestID, contact string) (sealed, sealedKey []byte) {
	k := seal.NewKey()
	return seal.SealString(&k, contact, contactAAD(requestID)), seal.Seal(caseKey, k[:], contactKeyAAD(requestID))
}

// openContact opens a request's contact details with its case key. An
// erased contact has nothing left to open; one stored before contacts had
// keys of their own is sealed under the case key itself.
func openContact(caseKey *seal.Key, rr *tropa.RequestRecord) (string, error) {
	if !rr.ContactErasedAt.IsZero() {
		return "", nil
	}
	key := caseKey
	if rr.SealedContactKey != nil {
		b, err := seal.Open(caseKey, rr.SealedContactKey, contactKeyAAD(rr.ID))
		if err != nil || len(b) != len(seal.Key{}) {
			return "", tropa.Errorf(tropa.EINTERNAL, "open contact key of request: %v", err)
		}
		key = (*seal.Key)(b)
	}
	contact, err := seal.OpenString(key, rr.SealedContact, contactAAD(rr.ID))
	if err != nil {
		return "", tropa.Errorf(tropa.EINTERNAL, "open contact of request: %v", err)
	}
	return contact, nil
}
