package desk_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"slices"
	"testing"

	"tropa"
	"tropa/scrub/scrubtest"
)

// TestAttachments sends photos with a request and with a reply: the
// caseworker sees their names by the messages they came with, downloads
// them without metadata, and the download is audited; someone without the
// case's key gets the case's refusal.
func TestAttachments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	f.addStaff(t, "ivan", tropa.RoleCaseworker, false)
	ivan := f.enroll(t, "ivan")

	sub := submission("", "Фото выписки из госпиталя")
	sub.Files = []tropa.Upload{{Name: "../../etc/выписка.jpg", Data: scrubtest.JPEG(t, 40, 30)}}
	receipt, id := f.submit(t, sub)
	c, err := f.desk.ApplicantCase(ctx, receipt.String())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Reply(ctx, "И повестка", []tropa.Upload{{Name: "повестка.png", Data: scrubtest.PNG(t, 20, 10)}}); err != nil {
		t.Fatalf("Reply with a photo: %v", err)
	}

	th, err := openThread(ctx, f, olga, id)
	if err != nil {
		t.Fatalf("OpenCase: %v", err)
	}
	if len(th.Messages) != 2 || len(th.Messages[0].Attachments) != 1 || len(th.Messages[1].Attachments) != 1 {
		t.Fatalf("messages = %+v, want one photo with each", th.Messages)
	}
	for i, want := range []struct{ name, typ string }{{"выписка.jpg", "image/jpeg"}, {"повестка.png", "image/png"}} {
		a := th.Messages[i].Attachments[0]
		if a.Name != want.name || a.Type != want.typ || a.Size == 0 || a.Data != nil {
			t.Errorf("attachment %d = %+v, want %s, %s, no content", i, a, want.name, want.typ)
		}
		got, err := f.desk.OpenAttachment(ctx, olga, id, a.ID)
		if err != nil {
			t.Fatalf("OpenAttachment: %v", err)
		}
		if left := scrubtest.Leftovers(got.Data); len(left) > 0 {
			t.Errorf("the download of %s still holds %v", a.Name, left)
		}
		if _, _, err := image.Decode(bytes.NewReader(got.Data)); err != nil || int64(len(got.Data)) != a.Size {
			t.Errorf("the download of %s does not decode (%v) or is not %d bytes", a.Name, err, a.Size)
		}
		if ev := lastAudit(t, f); ev.Action != tropa.ActionAttachmentOpen || ev.Actor != olga.Staff.ID ||
			ev.RequestID != id || ev.Detail != a.ID {
			t.Errorf("audit = %+v, want the download by olga", ev)
		}
		_, err = f.desk.OpenAttachment(ctx, ivan, id, a.ID)
		wantError(t, "OpenAttachment without the key", err, tropa.EFORBIDDEN, "ErrNoKey")
	}
	if _, err := f.desk.OpenAttachment(ctx, olga, id, "nosuch"); !tropa.IsCode(err, tropa.ENOTFOUND) {
		t.Errorf("OpenAttachment(unknown) = %v, want ENOTFOUND", err)
	}
}

// TestAttachmentsRefused refuses what is not a photo that may be kept,
// naming the file, and stores nothing.
func TestAttachmentsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	olga := f.caseworker(t, "olga")
	photo := scrubtest.JPEG(t, 8, 8)
	for name, tc := range map[string]struct {
		files     []tropa.Upload
		code, msg string
	}{
		"html named as a photo": {[]tropa.Upload{{Name: "скан.jpg", Data: []byte("<html><script>alert(1)</script>")}},
			tropa.EINVALID, "ErrFileType"},
		"bomb": {[]tropa.Upload{{Name: "скан.png", Data: scrubtest.PNGBomb(100_000, 100_000)}}, tropa.EINVALID, "ErrFilePixels"},
		"too large": {[]tropa.Upload{{Name: "скан.jpg", Data: append(photo, make([]byte, tropa.MaxAttachmentSize)...)}},
			tropa.ETOOLARGE, "ErrFileTooLarge"},
		"too many": {slices.Repeat([]tropa.Upload{{Name: "скан.jpg", Data: photo}}, tropa.MaxAttachments+1),
			tropa.EINVALID, "ErrTooManyFiles"},
	} {
		t.Run(name, func(t *testing.T) {
			sub := submission("", "текст")
			sub.Files = tc.files
			_, err := f.desk.Submit(ctx, sub)
			wantError(t, "Submit", err, tc.code, tc.msg)
			var e *tropa.Error
			if tc.msg != "ErrTooManyFiles" && (!errors.As(err, &e) || e.Data["Name"] != tc.files[0].Name) {
				t.Errorf("the error does not name the file: %v", err)
			}
		})
	}
	if queue, err := f.desk.Queue(ctx, olga, tropa.QueueFilter{}); err != nil || len(queue) != 0 {
		t.Errorf("queue = %v, %v; want nothing stored", queue, err)
	}
}

// lastAudit is the last entry of the audit log.
func lastAudit(t *testing.T, f *fixture) *tropa.AuditEntry {
	t.Helper()
	var last *tropa.AuditEntry
	if err := f.store.AuditEntries(context.Background(), func(e *tropa.AuditEntry) error { last = e; return nil }); err != nil {
		t.Fatalf("AuditEntries: %v", err)
	}
	return last
}
