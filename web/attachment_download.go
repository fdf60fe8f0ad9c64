package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"tropa/desk"
)

// attachmentPolicy replaces the site's policy on a download: opened in the
// browser after all, the file runs nothing and reaches nothing.
const attachmentPolicy = "sandbox; default-src 'none'"

// attachmentDownload sends one attachment of a case to a staff member who
// holds its key, as a download of its sniffed type; the desk audits it.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request, sess *desk.Session) error {
	a, err := s.Desk.OpenAttachment(r.Context(), sess, r.PathValue("id"), r.PathValue("attachment"))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", a.Type)
	h.Set("Content-Disposition", contentDisposition(a.DownloadName()))
	h.Set("Content-Security-Policy", attachmentPolicy)
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	w.Write(a.Data)
	return nil
}

// contentDisposition offers name for saving, as UTF-8 by RFC 5987 for
// browsers that read it and as ASCII, with what is not ASCII replaced, for
// those that do not.
func contentDisposition(name string) string {
	var ascii, ext strings.Builder
	for _, r := range name {
		if r < 0x20 || r >= 0x7F || r == '"' || r == '\\' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			ext.WriteByte(b)
		} else {
			fmt.Fprintf(&ext, "%%%02X", b)
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}

// isAttrChar reports whether b may stand for itself in an RFC 5987 value.
func isAttrChar(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}
