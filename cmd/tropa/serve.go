package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"tropa/desk"
	"tropa/seal"
	"tropa/web"
)

func (e *cmdEnv) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory (made by tropa init)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	certFile := fs.String("tls-cert", "", "TLS certificate file; with --tls-key, serve HTTPS")
	keyFile := fs.String("tls-key", "", "TLS private key file")
	behindTLS := fs.Bool("behind-tls", false, "users reach tropa over HTTPS through a proxy: mark cookies Secure")
	kdfConcurrency := fs.Int("kdf-concurrency", 0, "argon2id derivations run at once (default: one per CPU)")
	intakeRate := fs.Float64("intake-rate", 0, "submissions a second from all applicants together "+
		"(default: a quarter above the argon2id capacity measured at start, at least 50)")
	reclaimDelay := fs.Duration("reclaim-delay", desk.DefaultReclaimDelay,
		"how soon after an erasure, a removed key or an ended session its traces are reclaimed from the disk")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	if (*certFile == "") != (*keyFile == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if *reclaimDelay <= 0 {
		return errors.New("--reclaim-delay must be positive")
	}
	d, db, err := openDesk(ctx, at, *kdfConcurrency)
	if err != nil {
		return err
	}
	defer db.Close()
	d.ReclaimDelay = *reclaimDelay
	if e.now != nil {
		d.Now = e.now
	}
	if ok, err := d.Initialised(ctx); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("the database is not set up: run tropa init %s first", at.flags())
	}
	return e.listenAndServe(ctx, d, listen{addr: *addr, certFile: *certFile, keyFile: *keyFile,
		tls: *behindTLS || *certFile != "", intakeRate: *intakeRate}, func(url string) {
		fmt.Fprintf(e.stdout, "tropa is serving on %s (staff: %sstaff/)\n", url, url)
	})
}

// listen is how a server is reached.
type listen struct {
	addr, certFile, keyFile string
	tls                     bool
	// intakeRate is the submissions a second allowed; 0 measures it.
	intakeRate float64
}

// capacityTime is how long serve measures argon2id at start to set the
// intake limit: long enough for a few derivations on every core.
const capacityTime = 300 * time.Millisecond

// listenAndServe serves d until ctx ends, calling ready with the site's URL
// once it accepts connections.
func (e *cmdEnv) listenAndServe(ctx context.Context, d *desk.Desk, at listen, ready func(url string)) error {
	logger := e.logger()
	if at.intakeRate <= 0 {
		capacity := seal.Capacity(ctx, d.ReceiptParams, d.KDF.Concurrency(), capacityTime)
		at.intakeRate = web.IntakeRateFor(capacity)
		logger.Info("intake limit set from argon2id capacity", "derivations_per_s", int(capacity),
			"submissions_per_s", int(at.intakeRate))
	}
	srv, err := web.New(web.Config{Desk: d, Logger: logger, TLS: at.tls, IntakeRate: at.intakeRate})
	if err != nil {
		return err
	}
	if n, err := d.Store.IntakeRecipients(ctx); err == nil && len(n) == 0 {
		logger.Warn("no active intake staff: new requests are readable with the recovery key only")
	}
	l, err := net.Listen("tcp", at.addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if at.certFile != "" {
		scheme = "https"
	}
	ready(fmt.Sprintf("%s://%s/", scheme, l.Addr()))
	// The background work stops with the server, and before the store
	// closes, so that a reclaim asked for just before the stop still runs.
	ctx, stop := context.WithCancel(ctx)
	var background sync.WaitGroup
	background.Go(func() { sweepSessions(ctx, d, logger) })
	background.Go(func() { applyRetention(ctx, d, logger) })
	background.Go(func() {
		d.RunReclaims(ctx, func(err error) { logger.Error("reclaim", "err", err) })
	})
	err = srv.Serve(ctx, l, at.certFile, at.keyFile)
	stop()
	background.Wait()
	return err
}

// retentionEvery is how often the retention policy is applied. Its rules
// count in days, so data outlives its time by an hour at most.
const retentionEvery = time.Hour

// applyRetention applies the retention policy at start and then every
// retentionEvery, logging what it did in counts only. Every node runs it;
// the store makes runs at once safe. When a run that deleted something
// fails before the space is reclaimed, the next run reclaims it even if it
// has nothing to delete.
func applyRetention(ctx context.Context, d *desk.Desk, logger *slog.Logger) {
	t := time.NewTicker(retentionEvery)
	defer t.Stop()
	reclaim := false
	for {
		c, err := d.ApplyRetention(ctx)
		if err == nil && c.Total() == 0 && reclaim {
			err = d.Store.Reclaim(ctx)
		}
		reclaim = err != nil && (reclaim || c.Total() > 0)
		if c.Total() > 0 {
			logger.Info("retention applied", "deleted_closed", c.DeletedClosed, "deleted_spam", c.DeletedSpam,
				"contacts_erased", c.ContactsErased)
		}
		if err != nil && ctx.Err() == nil {
			logger.Error("retention", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepSessions deletes idle sessions now and then, so that the sealed keys
// of people who walked away do not wait in the database for their return.
func sweepSessions(ctx context.Context, d *desk.Desk, logger *slog.Logger) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := d.SweepSessions(ctx); err != nil && ctx.Err() == nil {
				logger.Error("sweep sessions", "err", err)
			}
		}
	}
}
