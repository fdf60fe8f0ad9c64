package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"tropa"
	"tropa/seal"
)

// Checked is a submission that passed Check: valid, with its photos
// cleaned, ready to be sealed.
type Checked struct {
	sub   tropa.Submission
	files []cleanFile
}

// Check validates sub and cleans its photos. It does no key work, so that a
// caller can refuse a bad submission, a wrong file chosen among them,
// before spending anything on it, such as a try from its intake limits.
func Check(sub tropa.Submission) (*Checked, error) {
	if err := sub.Validate(); err != nil {
		return nil, err
	}
	files, err := cleanUploads(sub.Files)
	if err != nil {
		return nil, err
	}
	return &Checked{sub: sub, files: files}, nil
}

// Submit takes an applicant's request, seals it under a new case key, wraps
// that key to the intake group, the recovery key and the receipt, and
// returns the receipt once all of it is committed. It uses public keys only.
func (d *Desk) Submit(ctx context.Context, sub tropa.Submission) (seal.Receipt, error) {
	c, err := Check(sub)
	if err != nil {
		return seal.Receipt{}, err
	}
	return d.SubmitChecked(ctx, c)
}

// SubmitChecked is Submit of a submission already checked.
func (d *Desk) SubmitChecked(ctx context.Context, c *Checked) (seal.Receipt, error) {
	r, _, err := d.submit(ctx, c, origin{})
	return r, err
}

// TakeCall takes a call that becomes a new request: a hotline operator (or
// any staff member who may) types it in while on the phone. It is sealed
// like any other; the one who took it also holds its key, and reads the
// receipt out to the caller. The call is kept with the request, in its
// history, in one transaction.
func (d *Desk) TakeCall(ctx context.Context, s *Session, call tropa.NewCall) (receipt seal.Receipt, requestID string, err error) {
	if err := require(s, tropa.PermEnter); err != nil {
		return seal.Receipt{}, "", err
	}
	if !call.Caller.Valid() {
		return seal.Receipt{}, "", tropa.UserError(tropa.EINVALID, "ErrCallCaller", nil)
	}
	sub := call.Submission
	sub.Channel = tropa.ChannelHotline
	c, err := Check(sub)
	if err != nil {
		return seal.Receipt{}, "", err
	}
	return d.submit(ctx, c, origin{call: &takenCall{s: s, caller: call.Caller, urgent: call.Urgent}})
}

// origin is where a request comes from, beyond its channel: a call that
// staff took, or a Telegram chat (0 for none: Telegram gives no chat id 0).
type origin struct {
	call *takenCall
	chat int64
}

// takenCall is who took a request on the phone, and what they said of
// the call.
type takenCall struct {
	s      *Session
	caller tropa.Caller
	urgent bool
}

func (d *Desk) submit(ctx context.Context, c *Checked, from origin) (seal.Receipt, string, error) {
	sub, files, call := c.sub, c.files, from.call
	var enteredBy *Session
	if call != nil {
		enteredBy = call.s
	}
	caseKey := seal.NewKey()
	receipt := seal.NewReceipt()
	salt := seal.RandomBytes(16)
	verifier, receiptKey, err := d.cfg.KDF.ReceiptKeys(ctx, receipt.Secret, salt, d.cfg.ReceiptParams)
	if err != nil {
		return seal.Receipt{}, "", busy(err)
	}
	// The argon2id work is done. A deadline set for waiting for it must not
	// now throw the work away, nor turn "busy" into an internal error when
	// it passes during the commit, as it does for the last ones let in
	// under a flood.
	ctx = context.WithoutCancel(ctx)

	now := d.now()
	requestID, messageID := tropa.NewID(), tropa.NewID()
	n := &tropa.NewRequest{
		Request: tropa.RequestRecord{
			Request: tropa.Request{ID: requestID, Kind: sub.Kind, Situation: sub.Situation, Channel: sub.Channel,
				Stage: tropa.StageNew, Urgency: tropa.InitialUrgency(sub.Kind, sub.Situation),
				CreatedAt: now, LastApplicantAt: now},
		},
		First: tropa.MessageRecord{ID: messageID, RequestID: requestID, Author: tropa.AuthorApplicant, CreatedAt: now,
			SealedAt:    sealTime(&caseKey, now, messageTimeAAD(messageID)),
			SealedBody:  seal.SealString(&caseKey, sub.Message, bodyAAD(messageID, tropa.AuthorApplicant)),
			Attachments: d.sealFiles(&caseKey, files)},
		Receipt: tropa.ReceiptRecord{RequestID: requestID, KDF: d.cfg.ReceiptParams.String(), Salt: salt,
			Verifier: verifier, CreatedAt: now},
	}
	n.Request.SealedContact, n.Request.SealedContactKey = sealContact(&caseKey, requestID, sub.Contact)
	if n.Request.InboundRecipient, n.Request.SealedInboundIdentity, err = newInbound(&caseKey, requestID); err != nil {
		return seal.Receipt{}, "", err
	}
	if from.chat != 0 {
		n.Request.SealedChat, n.Request.SealedChatKey = sealChat(&caseKey, requestID, from.chat)
		n.Audit = &tropa.AuditEvent{At: now, Actor: ActorApplicant, Action: tropa.ActionChatLink, RequestID: requestID,
			Detail: "submit"}
	}
	if call != nil {
		if err := d.addTakenCall(n, &caseKey, call, now); err != nil {
			return seal.Receipt{}, "", err
		}
	}

	// The lookup part and the reference are short enough to collide now and
	// then; a new pair costs nothing, the argon2id work is kept. A key
	// pair replaced since the recipients were read is refused too: the
	// keys are wrapped again, to the public keys as they are now.
	const attempts = 4
	for i := 1; ; i++ {
		if n.Wraps, err = d.intakeWraps(ctx, requestID, &caseKey, enteredBy, now); err != nil {
			return seal.Receipt{}, "", err
		}
		n.Request.Ref = newRef()
		n.Receipt.Lookup = receipt.Lookup
		n.Receipt.SealedKey = seal.Seal(receiptKey, caseKey[:], receiptAAD(receipt.Lookup))
		err := d.cfg.Store.CreateRequest(ctx, n)
		if err == nil {
			return receipt, requestID, nil
		}
		if !tropa.IsCode(err, tropa.ECONFLICT) || i == attempts {
			return seal.Receipt{}, "", err
		}
		receipt.Lookup = seal.NewReceipt().Lookup
	}
}

// intakeWraps wraps a new request's case key to every intake recipient and
// to the staff member who entered it, if any.
func (d *Desk) intakeWraps(ctx context.Context, requestID string, caseKey *seal.Key, enteredBy *Session, now time.Time) ([]tropa.KeyWrap, error) {
	recipients, err := d.intakeRecipients(ctx)
	if err != nil {
		return nil, err
	}
	if enteredBy != nil && !slices.ContainsFunc(recipients, func(r tropa.Recipient) bool { return r.StaffID == enteredBy.Staff.ID }) {
		recipients = append(recipients, tropa.Recipient{StaffID: enteredBy.Staff.ID, PublicKey: enteredBy.Staff.PublicKey,
			Reason: tropa.AccessEntered})
	}
	return wrapCaseKey(requestID, caseKey, recipients, now)
}

// wrapCaseKey wraps a new request's case key to each of recipients, for
// the reason each has, intake if none.
func wrapCaseKey(requestID string, caseKey *seal.Key, recipients []tropa.Recipient, now time.Time) ([]tropa.KeyWrap, error) {
	wraps := make([]tropa.KeyWrap, 0, len(recipients))
	for _, r := range recipients {
		wrapped, err := seal.WrapKey(r.PublicKey, caseKey)
		if err != nil {
			return nil, err
		}
		reason := r.Reason
		if reason == "" {
			reason = tropa.AccessIntake
		}
		wraps = append(wraps, tropa.KeyWrap{RequestID: requestID, Holder: r.StaffID, Reason: reason,
			Wrapped: wrapped, CreatedAt: now, To: r.PublicKey})
	}
	return wraps, nil
}

// intakeRecipients are the holders every new request is wrapped to: the
// active intake staff, and the organization's recovery key.
func (d *Desk) intakeRecipients(ctx context.Context) ([]tropa.Recipient, error) {
	recovery, err := d.cfg.Store.Setting(ctx, settingRecoveryRecipient)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, tropa.Errorf(tropa.EINTERNAL, "data directory is not initialised: no recovery key")
	} else if err != nil {
		return nil, err
	}
	staff, err := d.cfg.Store.IntakeRecipients(ctx)
	if err != nil {
		return nil, err
	}
	return append(staff, tropa.Recipient{StaffID: tropa.HolderRecovery, PublicKey: recovery}), nil
}

// ErrKDFBusy is the cause of the EBUSY error the desk returns for argon2id
// work that could not start before the request gave up: a channel finds it
// with errors.Is, tells the user when to come back and counts its intake
// as saturated.
var ErrKDFBusy = errors.New("desk: no argon2id capacity in time")

// busy reports argon2id work that could not start before the request gave
// up: the desk is saturated, and the applicant must be told to retry.
func busy(err error) error {
	return &tropa.Error{Code: tropa.EBUSY, MessageID: "ErrBusy", Message: "key derivation", Err: fmt.Errorf("%w: %w", ErrKDFBusy, err)}
}
