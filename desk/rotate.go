package desk

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"tropa"
	"tropa/seal"
)

// A rotation replaces a staff member's key pair, so that a private key the
// adversary may hold (a phished password with a copy of the disk from
// before) opens nothing any more. It runs in three steps, each one
// transaction, so that a crash at any point leaves a state that reads and
// resumes:
//
//  1. StartRotation: the staff row gets the new public key, the new private
//     key and, beside it, the old one, both sealed under the password key;
//     the TOTP secret is encrypted to the new key. From then on every new
//     case key is wrapped to the new key. The asking session holds both
//     private keys; the staff member's other sessions end.
//  2. Rewrap, in batches of rotateBatch: each case key still wrapped to the
//     old key is wrapped to the new one in place, the old wrap overwritten.
//  3. FinishRotation, once a whole pass over the held keys finds none left
//     for the old key: the old private key is deleted, from the row and
//     from the sessions.
//
// Cut short after step 1, the row still holds the old private key; the next
// login opens it with the password it was given and finishes steps 2 and 3
// before the session starts, and a session holding both keys reads every
// case meanwhile.

// rotateBatch is how many case keys one transaction wraps again: short
// enough that intake, which waits for the same writer, waits milliseconds.
const rotateBatch = 256

// rewrapPasses bounds the passes over the held keys. The store refuses a
// key wrapped to a replaced public key, so the pass after the first only
// checks, without unwrapping, that nothing changed behind it; a rotation
// still finding keys for the old one after this many is left unfinished,
// to resume at the next login.
const rewrapPasses = 4

// ChangePassword gives the staff member a new key pair, sealed under a new
// password, and wraps every case key they hold to it: the old password,
// even with a copy of the disk from before, opens nothing of today's. Every
// other session of theirs ends.
func (d *Desk) ChangePassword(ctx context.Context, s *Session, current, next string) error {
	if err := requireFull(s); err != nil {
		return err
	}
	if err := validPassword(next); err != nil {
		return err
	}
	st, keys, err := d.recheck(ctx, s, current)
	if err != nil {
		return err
	}
	return d.rotate(ctx, st, keys, next, s, tropa.AuditEvent{Action: tropa.ActionPassword})
}

// RotateKeys gives the staff member a new key pair under the same password,
// for one who fears their private key was seen, and wraps every case key
// they hold to it. The password is asked again. Every other session of
// theirs ends.
func (d *Desk) RotateKeys(ctx context.Context, s *Session, password string) error {
	if err := requireFull(s); err != nil {
		return err
	}
	st, keys, err := d.recheck(ctx, s, password)
	if err != nil {
		return err
	}
	return d.rotate(ctx, st, keys, password, s, tropa.AuditEvent{Action: tropa.ActionKeyRotate, Detail: "asked"})
}

// recheck opens the session's staff member's keys with the password they
// typed again.
func (d *Desk) recheck(ctx context.Context, s *Session, password string) (*tropa.StaffRecord, *keyring, error) {
	st, err := d.cfg.Store.StaffByID(ctx, s.Staff.ID)
	if err != nil {
		return nil, nil, err
	}
	keys, err := d.unlockKeys(ctx, st, password)
	if tropa.IsCode(err, tropa.EUNAUTHORIZED) {
		return nil, nil, tropa.UserError(tropa.EINVALID, "ErrPasswordWrong", nil)
	} else if err != nil {
		return nil, nil, err
	}
	return st, keys, nil
}

// rotateAtLogin finishes a rotation cut short and makes the one a TOTP reset
// or a suspected compromise asked for, with the password just given, before
// the session starts. It returns the private key the session is to hold and
// leaves st with the new public key.
func (d *Desk) rotateAtLogin(ctx context.Context, st *tropa.StaffRecord, password string, identity *seal.Identity) (*seal.Identity, error) {
	if st.SealedPrivateOld == nil && !st.RotateAtLogin {
		return identity, nil
	}
	keys, err := d.unlockKeys(ctx, st, password)
	if err != nil {
		return nil, err
	}
	if !st.RotateAtLogin {
		return keys.current, d.complete(ctx, st.ID, keys.current, keys.old, nil)
	}
	ev := tropa.AuditEvent{Action: tropa.ActionKeyRotate, Detail: "login"}
	if err := d.rotate(ctx, st, keys, password, nil, ev); err != nil {
		return nil, err
	}
	return keys.current, nil
}

// rotate replaces st's key pair, whose private keys are keys, with a new one
// sealed under password; keep, when not nil, is the session asking, which
// goes on with the new key. An unfinished rotation is finished first. On
// return keys.current and st hold the new key pair.
func (d *Desk) rotate(ctx context.Context, st *tropa.StaffRecord, keys *keyring, password string, keep *Session, ev tropa.AuditEvent) error {
	if keys.old != nil {
		if err := d.complete(ctx, st.ID, keys.current, keys.old, keep); err != nil {
			return err
		}
	}
	next, err := seal.NewIdentity()
	if err != nil {
		return err
	}
	salt := seal.RandomBytes(16)
	kek, err := d.cfg.KDF.PasswordKey(ctx, password, salt, d.cfg.PasswordParams)
	if err != nil {
		return busy(err)
	}
	r := &tropa.KeyRotation{StaffID: st.ID, OldPublicKey: st.PublicKey, PublicKey: next.Recipient(),
		KDF: d.cfg.PasswordParams.String(), Salt: salt, SealedPrivate: seal.SealIdentity(kek, next, staffAAD(st.ID)),
		SealedPrivateOld: seal.SealIdentity(kek, keys.current, staffOldAAD(st.ID))}
	if st.TOTPEnrolled {
		secret, err := keys.current.Decrypt(st.SealedTOTP)
		if err != nil {
			return tropa.Errorf(tropa.EINTERNAL, "open TOTP secret: %v", err)
		}
		if r.SealedTOTP, err = seal.EncryptTo(r.PublicKey, secret); err != nil {
			return err
		}
	}
	if keep != nil {
		r.KeepSession = keep.ID
		r.SessionIdentity = seal.SealIdentity(&keep.key, next, sessionAAD(keep.ID, "identity"))
		r.SessionOldIdentity = seal.SealIdentity(&keep.key, keys.current, sessionAAD(keep.ID, "old_identity"))
	}
	ev.At, ev.Actor = d.now(), st.ID
	if err := d.cfg.Store.StartRotation(ctx, r, ev); err != nil {
		return err
	}
	old := keys.current
	keys.current, keys.old = next, old
	st.PublicKey, st.KDF, st.Salt, st.SealedPrivate, st.SealedPrivateOld, st.SealedTOTP, st.RotateAtLogin =
		r.PublicKey, r.KDF, r.Salt, r.SealedPrivate, r.SealedPrivateOld, r.SealedTOTP, false
	if keep != nil {
		keep.identity, keep.old, keep.Staff.PublicKey = next, old, r.PublicKey
	}
	if err := d.complete(ctx, st.ID, next, old, keep); err != nil {
		return err
	}
	keys.old, st.SealedPrivateOld = nil, nil
	return nil
}

// complete wraps every case key staffID holds under old to current, then
// deletes the old private key; keep, when not nil, is a session that then
// holds current alone.
func (d *Desk) complete(ctx context.Context, staffID string, current, old *seal.Identity, keep *Session) error {
	// A client that stops waiting must not leave the old key usable until
	// the next login: the work goes on without it.
	ctx = context.WithoutCancel(ctx)
	moved, err := d.rewrapHeld(ctx, staffID, current, old)
	if err != nil {
		return err
	}
	if err := d.rewrapShelters(ctx, staffID, current, old); err != nil {
		return err
	}
	if err := d.cfg.Store.FinishRotation(ctx, staffID, current.Recipient(), tropa.AuditEvent{At: d.now(), Actor: staffID,
		Action: tropa.ActionKeyRotated, Detail: fmt.Sprintf("rewrapped=%d", moved)}); err != nil {
		return err
	}
	// The old wraps and the old private key were overwritten; their bytes
	// leave the files with the next reclaim.
	d.ReclaimSoon()
	if keep != nil {
		keep.old = nil
	}
	return nil
}

// rewrapHeld walks the case keys staffID holds, in batches, and wraps to
// current each one that old opens, until a whole pass finds none. It
// returns how many it wrapped again.
func (d *Desk) rewrapHeld(ctx context.Context, staffID string, current, old *seal.Identity) (int64, error) {
	var moved int64
	// settled holds, by request, the wrap a pass left that old does not
	// open, so that the next pass tries old only on wraps changed since.
	settled := map[string][sha256.Size]byte{}
	for range rewrapPasses {
		found := 0
		for after := ""; ; {
			wraps, err := d.cfg.Store.HeldWraps(ctx, staffID, after, rotateBatch)
			if err != nil {
				return moved, err
			}
			batch, err := rewrapBatch(wraps, current, old, settled)
			if err != nil {
				return moved, err
			}
			if len(batch) > 0 {
				n, err := d.cfg.Store.Rewrap(ctx, batch)
				moved += n
				if err != nil {
					return moved, err
				}
			}
			found += len(batch)
			if len(wraps) < rotateBatch {
				break
			}
			after = wraps[len(wraps)-1].RequestID
		}
		if found == 0 {
			return moved, nil
		}
	}
	return moved, tropa.Errorf(tropa.ECONFLICT, "case keys still wrapped to the old key after %d passes", rewrapPasses)
}

// rewrapBatch wraps to current the keys of wraps that old opens, and
// records in settled what each wrap is once old no longer opens it. Any
// other wrap, to the new key or to none of the staff member's, gives
// whoever holds the old key nothing, and is left.
func rewrapBatch(wraps []tropa.KeyWrap, current, old *seal.Identity, settled map[string][sha256.Size]byte) ([]tropa.Rewrap, error) {
	var batch []tropa.Rewrap
	for _, w := range wraps {
		sum := sha256.Sum256(w.Wrapped)
		if prev, ok := settled[w.RequestID]; ok && prev == sum {
			continue
		}
		key, err := old.UnwrapKey(w.Wrapped)
		if err != nil {
			settled[w.RequestID] = sum
			continue
		}
		wrapped, err := seal.WrapKey(current.Recipient(), key)
		if err != nil {
			return nil, err
		}
		settled[w.RequestID] = sha256.Sum256(wrapped)
		batch = append(batch, tropa.Rewrap{RequestID: w.RequestID, Holder: w.Holder, Old: w.Wrapped, New: wrapped})
	}
	return batch, nil
}

// keyring is a staff member's private keys as their password opens them:
// the current one and, while a rotation is unfinished, the one it replaces.
type keyring struct {
	current, old *seal.Identity
}

// unlockKeys opens a staff member's private keys with their password; a
// wrong password fails to open them.
func (d *Desk) unlockKeys(ctx context.Context, st *tropa.StaffRecord, password string) (*keyring, error) {
	params, err := seal.ParseParams(st.KDF)
	if err != nil {
		return nil, err
	}
	kek, err := d.cfg.KDF.PasswordKey(ctx, password, st.Salt, params)
	if err != nil {
		return nil, busy(err)
	}
	var keys keyring
	if keys.current, err = seal.OpenIdentity(kek, st.SealedPrivate, staffAAD(st.ID)); err != nil {
		return nil, errLogin
	}
	if st.SealedPrivateOld != nil {
		if keys.old, err = seal.OpenIdentity(kek, st.SealedPrivateOld, staffOldAAD(st.ID)); err != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "open old private key: %v", err)
		}
	}
	return &keys, nil
}

// unwrap opens a case key wrapped to the session's staff member: to their
// key pair or, while a rotation is unfinished, to the one it replaces.
func (s *Session) unwrap(wrapped []byte) (*seal.Key, error) {
	key, err := s.identity.UnwrapKey(wrapped)
	if err != nil && s.old != nil {
		return s.old.UnwrapKey(wrapped)
	}
	return key, err
}

func staffOldAAD(id string) seal.AAD {
	return seal.AAD{Table: "staff", Row: id, Field: "private_key_old"}
}

// unwrapCases opens the case key of each case in wrapped, by case id, on
// every core the process may use: an unwrap is two X25519 multiplications,
// and a page that lists a coordinator's cases of two days opens a hundred.
func (s *Session) unwrapCases(wrapped map[string][]byte) (map[string]*seal.Key, error) {
	ids := slices.Collect(maps.Keys(wrapped))
	keys := make([]*seal.Key, len(ids))
	errs := make([]error, len(ids))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ids)) {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(ids)); i = next.Add(1) - 1 {
				keys[i], errs[i] = s.unwrap(wrapped[ids[i]])
			}
		})
	}
	wg.Wait()
	byCase := make(map[string]*seal.Key, len(ids))
	for i, id := range ids {
		if errs[i] != nil {
			return nil, tropa.Errorf(tropa.EINTERNAL, "unwrap case key: %v", errs[i])
		}
		byCase[id] = keys[i]
	}
	return byCase, nil
}
