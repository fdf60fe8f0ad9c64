package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"time"

	"github.com/pquerna/otp/totp"

	"tropa"
	"tropa/admission"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
	"tropa/web"
)

// capacityTime is how long the in-process server measures argon2id to set
// its intake limit, as tropa serve does at start.
const capacityTime = 300 * time.Millisecond

// host is a tropa server started by the tool itself.
type host struct {
	url   string
	staff []Staff
	stop  func() error
}

// benchStaff are the in-process server's staff: intake caseworkers, who
// receive every new request, as a small organization has.
var benchStaff = []string{"bench-caseworker-1", "bench-caseworker-2"}

// selfHost starts tropa as `tropa serve` runs it, on 127.0.0.1:0 in a new
// temporary data directory, with staff whose TOTP is enrolled.
func selfHost(ctx context.Context, o *Options) (h *host, err error) {
	dir, err := os.MkdirTemp("", "tropa-bench-")
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	closeAll := func() error {
		return errors.Join(db.Close(), os.RemoveAll(dir))
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	cores := runtime.GOMAXPROCS(0)
	d := desk.New(desk.Config{Store: db, KDF: seal.NewKDF(cores),
		ReceiptParams: o.ReceiptParams, PasswordParams: o.PasswordParams})
	if _, err := d.Init(ctx); err != nil {
		return nil, err
	}
	staff, err := enrolStaff(ctx, d)
	if err != nil {
		return nil, err
	}
	srv, err := web.New(web.Config{Desk: d, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		IntakeRate: admission.IntakeRateFor(d.Capacity(ctx, capacityTime))})
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	serveCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(serveCtx, l, "", "") }()
	return &host{url: "http://" + l.Addr().String(), staff: staff, stop: func() error {
		cancel()
		return errors.Join(<-served, closeAll())
	}}, nil
}

// enrolStaff adds the bench staff with random passwords and enrols their
// TOTP as a person does at first login, with a code from the time step
// before, so that the current one is left for the tool's own login.
func enrolStaff(ctx context.Context, d *desk.Desk) ([]Staff, error) {
	var staff []Staff
	for _, name := range benchStaff {
		password := fmt.Sprintf("%x", seal.RandomBytes(16))
		added, err := d.AddStaff(ctx, tropa.Staff{Name: name, Role: tropa.RoleCaseworker, Intake: true}, password)
		if err != nil {
			return nil, err
		}
		sess, err := d.Login(ctx, name, password, "")
		if err != nil {
			return nil, err
		}
		key, err := d.PendingTOTP(ctx, sess)
		if err != nil {
			return nil, err
		}
		code, err := totp.GenerateCode(key.Secret(), time.Now().Add(-30*time.Second))
		if err != nil {
			return nil, err
		}
		if err := d.ConfirmTOTP(ctx, sess, added.EnrolCode, code); err != nil {
			return nil, err
		}
		if err := d.Logout(ctx, sess); err != nil {
			return nil, err
		}
		staff = append(staff, Staff{Name: name, Password: password, TOTPSecret: key.Secret()})
	}
	return staff, nil
}
