package desk

import (
	"context"
	"crypto/subtle"
	"errors"

	"tropa"
	"tropa/seal"
)

// decoySalt stands in for a record's salt when a receipt's lookup part
// matches nothing, so that an unknown receipt costs the same argon2id work
// as a known one with a wrong secret and timing tells them apart no better
// than the answer does.
var decoySalt = make([]byte, 16)

// ApplicantCase is a request opened with its receipt: what the applicant
// may do once his receipt has been checked.
type ApplicantCase struct {
	d         *Desk
	requestID string
	key       *seal.Key
}

// ApplicantCase checks a receipt, the one argon2id derivation of a visit,
// and opens the request it belongs to.
func (d *Desk) ApplicantCase(ctx context.Context, receipt string) (*ApplicantCase, error) {
	requestID, key, err := d.receiptKey(ctx, receipt)
	if err != nil {
		return nil, err
	}
	return &ApplicantCase{d: d, requestID: requestID, key: key}, nil
}

// Thread is the request with every message in it.
func (c *ApplicantCase) Thread(ctx context.Context) (*tropa.Thread, error) {
	rr, err := c.d.cfg.Store.RequestByID(ctx, c.requestID)
	if err != nil {
		return nil, err
	}
	return c.d.openThread(ctx, rr, c.key, false)
}

// Reply adds a message from the applicant, with the photos he sends.
func (c *ApplicantCase) Reply(ctx context.Context, body string, files []tropa.Upload) error {
	clean, err := cleanUploads(files)
	if err != nil {
		return err
	}
	return c.d.addMessage(ctx, c.key, tropa.Message{RequestID: c.requestID, Author: tropa.AuthorApplicant,
		CreatedAt: c.d.now(), Body: body}, clean, nil)
}

// ApplicantThread opens the request a receipt belongs to.
func (d *Desk) ApplicantThread(ctx context.Context, receipt string) (*tropa.Thread, error) {
	c, err := d.ApplicantCase(ctx, receipt)
	if err != nil {
		return nil, err
	}
	return c.Thread(ctx)
}

// ApplicantReply adds the applicant's message to the request his receipt
// belongs to. The message is checked first, so that a bad one costs no
// argon2id work.
func (d *Desk) ApplicantReply(ctx context.Context, receipt, body string) error {
	if err := tropa.ValidateText(body, "message", 1, tropa.MaxMessageLen); err != nil {
		return err
	}
	c, err := d.ApplicantCase(ctx, receipt)
	if err != nil {
		return err
	}
	return c.Reply(ctx, body, nil)
}

// receiptKey checks a receipt and returns its request and case key. An
// unknown receipt and a wrong one get the same error after the same work.
func (d *Desk) receiptKey(ctx context.Context, text string) (string, *seal.Key, error) {
	r, err := seal.ParseReceipt(text)
	var ge *seal.GroupError
	if errors.As(err, &ge) {
		return "", nil, tropa.UserError(tropa.EINVALID, "ErrReceiptGroup", map[string]any{"Group": ge.Group, "Digits": ge.Digits})
	} else if err != nil {
		return "", nil, tropa.UserError(tropa.EINVALID, "ErrReceiptFormat", map[string]any{"Digits": seal.CheckedDigits})
	}
	rec, err := d.cfg.Store.ReceiptByLookup(ctx, r.Lookup)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		if _, _, err := d.cfg.KDF.ReceiptKeys(ctx, r.Secret, decoySalt, d.cfg.ReceiptParams); err != nil {
			return "", nil, busy(err)
		}
		return "", nil, errUnknownReceipt
	} else if err != nil {
		return "", nil, err
	}
	params, err := seal.ParseParams(rec.KDF)
	if err != nil {
		return "", nil, err
	}
	verifier, receiptKey, err := d.cfg.KDF.ReceiptKeys(ctx, r.Secret, rec.Salt, params)
	if err != nil {
		return "", nil, busy(err)
	}
	if subtle.ConstantTimeCompare(verifier, rec.Verifier) != 1 {
		return "", nil, errUnknownReceipt
	}
	b, err := seal.Open(receiptKey, rec.SealedKey, receiptAAD(rec.Lookup))
	if err != nil || len(b) != len(seal.Key{}) {
		return "", nil, tropa.Errorf(tropa.EINTERNAL, "receipt verified but its case key does not open")
	}
	key := seal.Key(b)
	return rec.RequestID, &key, nil
}

var errUnknownReceipt = tropa.UserError(tropa.ENOTFOUND, "ErrReceiptUnknown", nil)
