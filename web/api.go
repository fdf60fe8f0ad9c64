package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"tropa"
	"tropa/admission"
)

// apiHandler returns the value to send as JSON with its status, or an error.
type apiHandler func(r *http.Request) (status int, v any, err error)

// apiError is the body of every API error: a stable code for programs and
// a message in the caller's language for people.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (s *Server) api(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, v, err := h(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		writeJSON(w, status, v)
	})
}

// apiError writes err as the API's JSON error.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	var e apiError
	e.Error.Code = tropa.ErrorCode(err)
	e.Error.Message = s.locales.In(pickLanguage(r)).Explain(err)
	setRetryAfter(w, err)
	writeJSON(w, s.errorStatus(r, err), e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// apiSubmission is the JSON form of the applicant form.
type apiSubmission struct {
	Kind      string `json:"kind"`
	Situation string `json:"situation"`
	Contact   string `json:"contact"`
	Message   string `json:"message"`
}

type apiReceipt struct {
	Receipt string `json:"receipt"`
}

func (s *Server) apiRequestSubmit(r *http.Request) (int, any, error) {
	var in apiSubmission
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	sub := tropa.Submission{Kind: tropa.Kind(in.Kind), Situation: tropa.Situation(in.Situation),
		Channel: tropa.ChannelAPI, Contact: in.Contact, Message: in.Message}
	if err := sub.Validate(); err != nil {
		return 0, nil, err
	}
	v, err := s.proveAPI(r)
	if err != nil {
		return 0, nil, err
	}
	if err := s.intake.AdmitProved(clientKey(r), v); err != nil {
		return 0, nil, err
	}
	receipt, err := s.Desk.Submit(r.Context(), sub)
	if err != nil {
		return 0, nil, s.intake.Failed(err)
	}
	return http.StatusCreated, apiReceipt{Receipt: receipt.String()}, nil
}

// apiThread is the applicant's view of his request. Staff are never named.
type apiThread struct {
	Kind      string       `json:"kind"`
	Situation string       `json:"situation"`
	Stage     string       `json:"stage"`
	CreatedAt time.Time    `json:"created_at"`
	Contact   string       `json:"contact"`
	Messages  []apiMessage `json:"messages"`
}

type apiMessage struct {
	// From is "applicant" or "organization".
	From string    `json:"from"`
	At   time.Time `json:"at"`
	Body string    `json:"body"`
}

func (s *Server) apiRequestSelf(r *http.Request) (int, any, error) {
	receipt, err := receiptFromHeader(r)
	if err != nil {
		return 0, nil, err
	}
	if !s.receipts.Allow(clientKey(r), s.Now()) {
		return 0, nil, errTooMany
	}
	t, err := s.Desk.ApplicantThread(r.Context(), receipt)
	if err != nil {
		return 0, nil, admission.BusyRetry(err, "ErrCheckBusy")
	}
	out := apiThread{Kind: string(t.Request.Kind), Situation: string(t.Request.Situation), Stage: string(t.Request.Stage),
		CreatedAt: t.Request.CreatedAt, Contact: t.Contact, Messages: make([]apiMessage, 0, len(t.Messages))}
	for _, m := range t.Messages {
		from := "applicant"
		if m.Author == tropa.AuthorStaff {
			from = "organization"
		}
		out.Messages = append(out.Messages, apiMessage{From: from, At: m.CreatedAt, Body: m.Body})
	}
	return http.StatusOK, out, nil
}

type apiReply struct {
	Message string `json:"message"`
}

func (s *Server) apiRequestReply(r *http.Request) (int, any, error) {
	receipt, err := receiptFromHeader(r)
	if err != nil {
		return 0, nil, err
	}
	var in apiReply
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if !s.receipts.Allow(clientKey(r), s.Now()) {
		return 0, nil, errTooMany
	}
	if err := s.Desk.ApplicantReply(r.Context(), receipt, in.Message); err != nil {
		return 0, nil, admission.BusyRetry(err, "ErrCheckBusy")
	}
	return http.StatusCreated, struct{}{}, nil
}

// receiptFromHeader reads "Authorization: Receipt <digits>". A header, not
// the URL, so that proxies and logs never see it.
func receiptFromHeader(r *http.Request) (string, error) {
	scheme, receipt, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Receipt") {
		return "", tropa.UserError(tropa.EUNAUTHORIZED, "ErrReceiptHeader", nil)
	}
	return receipt, nil
}

// decodeJSON reads one JSON object of known fields. The body is checked to
// be UTF-8, without escapes of half a UTF-16 pair, first: a JSON decoder
// would quietly turn either into replacement characters, and store text
// other than what was sent.
func decodeJSON(r *http.Request, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return tropa.UserError(tropa.EINVALID, "ErrJSONContentType", nil)
	}
	body, err := io.ReadAll(r.Body)
	if err == nil && (!utf8.Valid(body) || loneSurrogate(body)) {
		return tropa.UserError(tropa.EINVALID, "ErrJSONEncoding", nil)
	}
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
		if err == nil {
			// Whatever follows the object must be nothing but white space.
			if _, err = dec.Token(); errors.Is(err, io.EOF) {
				return nil
			} else if err == nil {
				err = errors.New("data after the object")
			}
		}
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return tropa.UserError(tropa.ETOOLARGE, "ErrBodyTooLarge", nil)
	}
	return tropa.UserError(tropa.EINVALID, "ErrBadJSON", nil)
}

// loneSurrogate reports whether a JSON text escapes half of a UTF-16
// surrogate pair without the other half, as in "\ud800". Backslashes occur
// only inside strings, so every escape is found without parsing.
func loneSurrogate(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := escapedRune(b[i+1:])
		if !ok {
			i++ // another escape: skip the character escaped
			continue
		}
		i += 5
		if !utf16.IsSurrogate(r) {
			continue
		}
		if r >= 0xdc00 || i+2 > len(b) || b[i+1] != '\\' {
			return true
		}
		low, ok := escapedRune(b[i+2:])
		if !ok || low < 0xdc00 || low > 0xdfff {
			return true
		}
		i += 6
	}
	return false
}

// escapedRune reads the rune of a "uXXXX" escape at the start of b.
func escapedRune(b []byte) (rune, bool) {
	if len(b) < 5 || b[0] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[1:5]), 16, 16)
	return rune(n), err == nil
}
