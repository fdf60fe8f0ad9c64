package tropa

import (
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Attachment limits. A phone's photo of a document page is 1–4 MB, and a
// document is readable at far less; three of them over a slow Tor circuit
// already take a minute or two. 50 megapixels holds any phone's photo but
// refuses images made to exhaust the memory of whoever opens them.
const (
	MaxAttachments      = 3
	MaxAttachmentSize   = 4 << 20
	MaxAttachmentPixels = 50_000_000
	MaxAttachmentName   = 100
)

// Upload is a file an applicant sends, before it is checked and sealed.
type Upload struct {
	Name string
	Data []byte
}

// Attachment is a file attached to a message, opened. Data is nil when
// only the list of attachments was read.
type Attachment struct {
	ID        string
	RequestID string
	MessageID string
	Name      string
	Type      string
	Size      int64
	CreatedAt time.Time
	Data      []byte
}

// AttachmentRecord is an attachment as stored: its name, exact size and
// content are sealed; its type and padded size are all that is plain.
type AttachmentRecord struct {
	ID         string
	RequestID  string
	MessageID  string
	Type       string
	Size       int64
	CreatedAt  time.Time
	SealedName []byte
	// SealedData is nil when only the list of attachments was read.
	SealedData []byte
	// MessageKey is the wrapped key of the message it came with
	// (MessageRecord.WrappedKey): nil when it is sealed under the case key.
	MessageKey []byte
}

// AttachmentTypes are the types an attachment may have, as sniffed from
// its content.
var AttachmentTypes = []string{"image/jpeg", "image/png"}

// extensions are the file name endings of AttachmentTypes.
var extensions = map[string]string{"image/jpeg": ".jpg", "image/png": ".png"}

// CleanFileName makes a name an applicant gave a file fit to show and to
// offer for download: no folders, no control or formatting characters
// (which can hide an ending, as U+202E does), no leading dots, valid UTF-8,
// at most MaxAttachmentName characters. It is never a path on any disk.
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), "./")
	if r := []rune(name); len(r) > MaxAttachmentName {
		name = string(r[:MaxAttachmentName])
	}
	if name == "" {
		return "photo"
	}
	return name
}

// DownloadName is the name to save an attachment under: its own, ending
// as its type does, so that a photo named page.html opens as a photo.
func (a *Attachment) DownloadName() string {
	ext := extensions[a.Type]
	if ext == "" || strings.HasSuffix(strings.ToLower(a.Name), ext) ||
		ext == ".jpg" && strings.HasSuffix(strings.ToLower(a.Name), ".jpeg") {
		return a.Name
	}
	return a.Name + ext
}

// ErrTooManyFiles refuses a message with more than MaxAttachments files.
func ErrTooManyFiles() error {
	return UserError(EINVALID, "ErrTooManyFiles", map[string]any{"Max": MaxAttachments})
}

// ErrFileTooLarge refuses a file larger than MaxAttachmentSize, named as
// CleanFileName shows it.
func ErrFileTooLarge(name string) error {
	return UserError(ETOOLARGE, "ErrFileTooLarge", map[string]any{"Name": CleanFileName(name), "MiB": MaxAttachmentSize >> 20})
}
