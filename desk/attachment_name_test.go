package desk

import (
	"testing"

	"tropa"
	"tropa/seal"
)

// TestOpenNameStoredBefore opens the name of an attachment stored before
// sizes were padded: the name sealed alone, the exact size in the clear.
func TestOpenNameStoredBefore(t *testing.T) {
	key := seal.NewKey()
	r := &tropa.AttachmentRecord{ID: "a1", Size: 804, SealedName: seal.SealString(&key, "выписка.jpg", attachmentAAD("a1", "name"))}
	name, size, err := openName(&key, r)
	if err != nil || name != "выписка.jpg" || size != 804 {
		t.Errorf("openName = %q, %d, %v; want выписка.jpg, 804", name, size, err)
	}
	other := seal.NewKey()
	if _, _, err := openName(&other, r); err == nil {
		t.Error("openName under another key succeeded")
	}
}
