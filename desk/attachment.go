package desk

import (
	"context"
	"encoding/binary"
	"errors"

	"tropa"
	"tropa/scrub"
	"tropa/seal"
)

// cleanFile is an applicant's photo, checked and without its metadata,
// ready to be sealed.
type cleanFile struct {
	name string
	img  *scrub.Image
}

// cleanUploads checks the photos an applicant sends and strips their
// metadata. It does no key work, so that a refused photo costs nothing
// but reading it; the error names the file refused.
func cleanUploads(files []tropa.Upload) ([]cleanFile, error) {
	if len(files) > tropa.MaxAttachments {
		return nil, tropa.ErrTooManyFiles()
	}
	clean := make([]cleanFile, 0, len(files))
	for _, f := range files {
		name := tropa.CleanFileName(f.Name)
		if len(f.Data) > tropa.MaxAttachmentSize {
			return nil, tropa.ErrFileTooLarge(name)
		}
		img, err := scrub.Clean(f.Data, tropa.MaxAttachmentPixels)
		if errors.Is(err, scrub.ErrPixels) {
			return nil, tropa.UserError(tropa.EINVALID, "ErrFilePixels",
				map[string]any{"Name": name, "Megapixels": tropa.MaxAttachmentPixels / 1_000_000})
		} else if err != nil {
			return nil, tropa.UserError(tropa.EINVALID, "ErrFileType", map[string]any{"Name": name})
		}
		clean = append(clean, cleanFile{name: name, img: img})
	}
	return clean, nil
}

// sealFiles seals cleaned photos under a case key. The clear size is the
// padded size of the sealed content, which its length tells anyway; the
// exact size, which pages show, is sealed with the name.
func (d *Desk) sealFiles(key *seal.Key, files []cleanFile) []tropa.AttachmentRecord {
	now := d.now()
	list := make([]tropa.AttachmentRecord, len(files))
	for i, f := range files {
		id := tropa.NewID()
		size := len(f.img.Data)
		list[i] = tropa.AttachmentRecord{ID: id, Type: f.img.Type, Size: int64(seal.PaddedLen(size)), CreatedAt: now,
			SealedName: seal.Seal(key, append(binary.AppendUvarint(nil, uint64(size)), f.name...), attachmentAAD(id, fieldSizeName)),
			SealedData: seal.Seal(key, f.img.Data, attachmentAAD(id, "data"))}
	}
	return list
}

// fieldSizeName is the sealed field that holds an attachment's exact size
// and its name. Attachments stored before sizes were padded seal the name
// alone as field "name", and their size column is exact.
const fieldSizeName = "size+name"

// openName opens an attachment's name and exact size.
func openName(key *seal.Key, r *tropa.AttachmentRecord) (string, int64, error) {
	b, err := seal.Open(key, r.SealedName, attachmentAAD(r.ID, fieldSizeName))
	if errors.Is(err, seal.ErrOpen) {
		name, err := seal.OpenString(key, r.SealedName, attachmentAAD(r.ID, "name"))
		return name, r.Size, err
	} else if err != nil {
		return "", 0, err
	}
	size, n := binary.Uvarint(b)
	if n <= 0 {
		return "", 0, seal.ErrOpen
	}
	return string(b[n:]), int64(size), nil
}

func attachmentAAD(id, field string) seal.AAD {
	return seal.AAD{Table: "attachments", Row: id, Field: field}
}

// openAttachments lists a request's attachments by the message they came
// with, names opened with keys, content left sealed in the store.
func (d *Desk) openAttachments(ctx context.Context, keys *messageKeys, requestID string) (map[string][]tropa.Attachment, error) {
	records, err := d.cfg.Store.Attachments(ctx, requestID)
	if err != nil {
		return nil, err
	}
	byMessage := make(map[string][]tropa.Attachment, len(records))
	for _, r := range records {
		key, err := keys.of(r.MessageKey)
		if err != nil {
			return nil, err
		}
		a, err := openAttachment(key, &r)
		if err != nil {
			return nil, err
		}
		byMessage[r.MessageID] = append(byMessage[r.MessageID], *a)
	}
	return byMessage, nil
}

// openAttachment opens a stored attachment's name, and its content if the
// record carries it.
func openAttachment(key *seal.Key, r *tropa.AttachmentRecord) (*tropa.Attachment, error) {
	name, size, err := openName(key, r)
	if err != nil {
		return nil, tropa.Errorf(tropa.EINTERNAL, "open attachment name: %v", err)
	}
	a := &tropa.Attachment{ID: r.ID, RequestID: r.RequestID, MessageID: r.MessageID, Name: name, Type: r.Type,
		Size: size, CreatedAt: r.CreatedAt}
	if r.SealedData != nil {
		if a.Data, err = seal.Open(key, r.SealedData, attachmentAAD(r.ID, "data")); err != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "open attachment: %v", err)
		}
	}
	return a, nil
}

// OpenAttachment opens one attachment of a case for a staff member who
// holds its key, and audits it like opening the case. Anyone else gets the
// refusal the case itself gives.
func (d *Desk) OpenAttachment(ctx context.Context, s *Session, requestID, id string) (*tropa.Attachment, error) {
	key, err := d.caseKey(ctx, s, requestID, tropa.PermQueue)
	if err != nil {
		return nil, err
	}
	r, err := d.cfg.Store.Attachment(ctx, requestID, id)
	if err != nil {
		return nil, err
	}
	if r.MessageKey != nil {
		rr, err := d.cfg.Store.RequestByID(ctx, requestID)
		if err != nil {
			return nil, err
		}
		if key, err = (&messageKeys{caseKey: key, rr: rr}).of(r.MessageKey); err != nil {
			return nil, err
		}
	}
	if err := d.cfg.Store.Audit(ctx, tropa.AuditEvent{At: d.now(), Actor: s.Staff.ID, Action: tropa.ActionAttachmentOpen,
		RequestID: requestID, Detail: id}); err != nil {
		return nil, err
	}
	return openAttachment(key, r)
}
