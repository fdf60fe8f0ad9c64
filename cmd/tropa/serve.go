package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"tropa/admission"
	"tropa/desk"
	"tropa/web"
)

func (e *cmdEnv) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory (made by tropa init)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	staffAddr := fs.String("staff-addr", "", "serve the staff site only here, and not on --addr "+
		"(a private interface, or the target of an onion service of its own)")
	trustedProxies := fs.String("trusted-proxy", "", "comma-separated CIDRs of reverse proxies whose "+
		"X-Forwarded-For names the client, for the limits per client")
	proxyProtocol := fs.Bool("proxy-protocol", false, "read a PROXY protocol header from connections from "+
		"loopback or a --trusted-proxy, as Tor sends with HiddenServiceExportCircuitID haproxy")
	certFile := fs.String("tls-cert", "", "TLS certificate file; with --tls-key, serve HTTPS")
	keyFile := fs.String("tls-key", "", "TLS private key file")
	behindTLS := fs.Bool("behind-tls", false, "users reach tropa over HTTPS through a proxy (plain HTTP "+
		"anywhere but loopback is taken to be so)")
	kdfConcurrency := fs.Int("kdf-concurrency", 0, "argon2id derivations run at once (default: one per CPU)")
	intakeRate := fs.Float64("intake-rate", 0, "submissions a second from all applicants together "+
		"(default: a quarter above the argon2id capacity measured at start, at least 50)")
	reclaimDelay := fs.Duration("reclaim-delay", desk.DefaultReclaimDelay,
		"how soon after an erasure, a removed key or an ended session its traces are reclaimed from the disk")
	notices := addNoticeFlags(fs)
	bot := addTelegramFlags(fs)
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	if (*certFile == "") != (*keyFile == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if *reclaimDelay <= 0 {
		return errors.New("--reclaim-delay must be positive")
	}
	trusted, err := parsePrefixes(*trustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxy: %w", err)
	}
	cfg := desk.Config{ReclaimDelay: *reclaimDelay, Now: e.now, Logger: e.logger()}
	if err := notices.apply(&cfg); err != nil {
		return err
	}
	telegramBot, err := bot.prepare(ctx, cfg.Logger, e.clock())
	if err != nil {
		return err
	}
	if telegramBot != nil {
		cfg.Chats = telegramBot.replies
		cfg.NoticeChannels = append(cfg.NoticeChannels, telegramBot.notices)
	}
	if len(cfg.NoticeChannels) == 0 {
		cfg.Logger.Info("no --smtp-host and no bot: staff are not notified of new work")
	}
	d, db, err := openDesk(ctx, at, *kdfConcurrency, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if ok, err := d.Initialised(ctx); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("the database is not set up: run tropa init %s first", at.flags())
	}
	if telegramBot != nil {
		if err := telegramBot.attach(ctx, d, cfg.Logger, e.clock()); err != nil {
			return err
		}
	}
	return e.listenAndServe(ctx, d, listen{addr: *addr, staffAddr: *staffAddr, certFile: *certFile, keyFile: *keyFile,
		tls: *behindTLS || *certFile != "", intakeRate: *intakeRate, trusted: trusted, proxyProtocol: *proxyProtocol,
		telegram: telegramBot},
		func(url, staffURL string) {
			fmt.Fprintf(e.stdout, "tropa is serving on %s (staff: %sstaff/)\n", url, staffURL)
		})
}

// listen is how a server is reached.
type listen struct {
	addr, certFile, keyFile string
	// staffAddr, when set, is where the staff site is served instead of
	// addr.
	staffAddr string
	// tls says users reach tropa over HTTPS; plain HTTP on anything but
	// loopback is taken to be behind an HTTPS proxy too.
	tls bool
	// intakeRate is the submissions a second allowed; 0 measures it.
	intakeRate    float64
	trusted       []netip.Prefix
	proxyProtocol bool
	// telegram is the organization's bot, nil for none.
	telegram *telegramBot
	// demoChat plays a chat with the bot, in the demo only.
	demoChat web.DemoChat
}

// parsePrefixes parses a comma-separated list of CIDRs; a bare address is
// taken as the one address.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, err
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// plainOnLoopback reports whether the staff site's listener l is on
// loopback: only then may staff sessions go over plain HTTP. Elsewhere
// plain HTTP crosses a network, and the session cookie stays Secure: a
// proxy in front must add HTTPS, or browsers do not send it.
func plainOnLoopback(l net.Listener) bool {
	ap, err := netip.ParseAddrPort(l.Addr().String())
	return err == nil && ap.Addr().IsLoopback()
}

// capacityTime is how long serve measures argon2id at start to set the
// intake limit: long enough for a few derivations on every core.
const capacityTime = 300 * time.Millisecond

// listenAndServe serves d until ctx ends, calling ready with the URLs of the
// site and of the staff site once it accepts connections.
func (e *cmdEnv) listenAndServe(ctx context.Context, d *desk.Desk, at listen, ready func(url, staffURL string)) error {
	logger := e.logger()
	if at.intakeRate <= 0 {
		capacity := d.Capacity(ctx, capacityTime)
		at.intakeRate = admission.IntakeRateFor(capacity)
		logger.Info("intake limit set from argon2id capacity", "derivations_per_s", int(capacity),
			"submissions_per_s", int(at.intakeRate))
	}
	if n, err := d.IntakeCount(ctx); err == nil && n == 0 {
		logger.Warn("no active intake staff: new requests are readable with the recovery key only")
	}
	l, err := net.Listen("tcp", at.addr)
	if err != nil {
		return err
	}
	sites := []served{{web.SiteAll, l}}
	if at.staffAddr != "" {
		sl, err := net.Listen("tcp", at.staffAddr)
		if err != nil {
			l.Close()
			return err
		}
		sites = []served{{web.SitePublic, l}, {web.SiteStaff, sl}}
	}
	tls := at.tls || !plainOnLoopback(sites[len(sites)-1].l)
	if tls && !at.tls {
		logger.Warn("plain HTTP on an address other than loopback: staff can log in only through an HTTPS proxy in front")
	}
	cfg := web.Config{Desk: d, Logger: logger, TLS: tls, IntakeRate: at.intakeRate,
		TrustedProxies: at.trusted, ProxyProtocol: at.proxyProtocol}
	if at.telegram != nil {
		cfg.TelegramWebhook = at.telegram.hook
	}
	cfg.DemoChat = at.demoChat
	srv, err := web.New(cfg)
	if err != nil {
		for _, s := range sites {
			s.l.Close()
		}
		return err
	}
	scheme := "http"
	if at.certFile != "" {
		scheme = "https"
	}
	url := func(l net.Listener) string { return fmt.Sprintf("%s://%s/", scheme, l.Addr()) }
	ready(url(sites[0].l), url(sites[len(sites)-1].l))
	// The background work stops with the server, and before the store
	// closes, so that a reclaim asked for just before the stop still runs.
	ctx, stop := context.WithCancel(ctx)
	var background sync.WaitGroup
	background.Go(func() { d.Run(ctx) })
	if at.telegram != nil {
		background.Go(func() { at.telegram.run(ctx) })
	}
	err = serveSites(ctx, srv, sites, at.certFile, at.keyFile)
	stop()
	background.Wait()
	return err
}

// served is a site and the listener it is served on.
type served struct {
	site web.Site
	l    net.Listener
}

// serveSites serves each site until ctx ends or one fails, which stops
// the others.
func serveSites(ctx context.Context, srv *web.Server, sites []served, certFile, keyFile string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(sites))
	for _, s := range sites {
		go func() { errc <- srv.ServeSite(ctx, s.site, s.l, certFile, keyFile) }()
	}
	var first error
	for range sites {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
		cancel()
	}
	return first
}
