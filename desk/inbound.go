package desk

import (
	"context"

	"tropa"
	"tropa/seal"
)

// A request's inbound key pair lets a node that holds no case key accept
// what the applicant writes: such a message is sealed, like any, under a
// key, but that key is a new one of its own, wrapped to the inbound public
// key, whose private half is sealed under the case key. Nothing that sits
// on the server opens it; staff open it with the case key, the applicant
// with his receipt. A request gets its key pair when it is made, or, if
// made before there were any, when a chat is linked to it by receipt, the
// first time its case key is at hand without staff.

// newInbound makes a request's inbound key pair: its public half, and its
// private half sealed under the case key.
func newInbound(caseKey *seal.Key, requestID string) (recipient string, sealed []byte, err error) {
	id, err := seal.NewIdentity()
	if err != nil {
		return "", nil, err
	}
	return id.Recipient(), seal.SealIdentity(caseKey, id, inboundAAD(requestID)), nil
}

func inboundAAD(requestID string) seal.AAD {
	return seal.AAD{Table: "requests", Row: requestID, Field: "inbound_identity"}
}

// messageKeys opens the keys a request's messages are sealed under: the
// case key, or a message's own key wrapped to the inbound public key,
// whose private half it opens once, when first needed.
type messageKeys struct {
	caseKey *seal.Key
	rr      *tropa.RequestRecord
	inbound *seal.Identity
}

// of returns the key of a message whose wrapped key is wrapped, nil for
// one sealed under the case key.
func (k *messageKeys) of(wrapped []byte) (*seal.Key, error) {
	if wrapped == nil {
		return k.caseKey, nil
	}
	if k.inbound == nil {
		if k.rr.SealedInboundIdentity == nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "message sealed to an inbound key the request lacks")
		}
		id, err := seal.OpenIdentity(k.caseKey, k.rr.SealedInboundIdentity, inboundAAD(k.rr.ID))
		if err != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "open inbound key of request: %v", err)
		}
		k.inbound = id
	}
	key, err := k.inbound.UnwrapKey(wrapped)
	if err != nil {
		return nil, tropa.Errorf(tropa.EINTERNAL, "unwrap message key: %v", err)
	}
	return key, nil
}

// addInbound seals an applicant's message and its photos under a new key
// wrapped to recipient, the request's inbound public key, and stores it
// with ev.
func (d *Desk) addInbound(ctx context.Context, requestID, recipient, body string, files []cleanFile, ev *tropa.AuditEvent) error {
	key := seal.NewKey()
	wrapped, err := seal.WrapKey(recipient, &key)
	if err != nil {
		return tropa.Errorf(tropa.EINTERNAL, "wrap message key: %v", err)
	}
	m := d.sealMessage(&key, tropa.Message{RequestID: requestID, Author: tropa.AuthorApplicant, CreatedAt: d.now(),
		Body: body}, files)
	m.WrappedKey = wrapped
	return d.cfg.Store.AddMessage(ctx, m, ev)
}
