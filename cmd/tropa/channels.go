package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"tropa"
	"tropa/desk"
	"tropa/locale"
	"tropa/official"
)

// channels makes, checks and publishes the signed list of the
// organization's official channels. The signing key stays off the server:
// key and sign run on the offline machine that keeps it, verify anywhere,
// publish on the server.
func (e *cmdEnv) channels(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: tropa channels key|sign|verify|publish ...")
	}
	run := map[string]func(context.Context, []string) error{
		"key": e.channelsKey, "sign": e.channelsSign, "verify": e.channelsVerify, "publish": e.channelsPublish,
	}[args[0]]
	if run == nil {
		return fmt.Errorf("unknown channels command %q: want key, sign, verify or publish", args[0])
	}
	return run(ctx, args[1:])
}

// channelsFlags parses the flags of a channels command, which all take
// --lang and one file.
func (e *cmdEnv) channelsFlags(fs *flag.FlagSet, args []string) (*locale.Catalog, string, error) {
	lang := fs.String("lang", "", "language of messages: ru, uk or en (default: from LANG, else en)")
	if err := e.parseFlags(fs, args); err != nil {
		return nil, "", err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return nil, "", fmt.Errorf("%s takes one file", fs.Name())
	}
	cat, err := locale.New(e.language(*lang))
	return cat, fs.Arg(0), err
}

func (e *cmdEnv) channelsKey(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("channels key", flag.ContinueOnError)
	cat, path, err := e.channelsFlags(fs, args)
	if err != nil {
		return err
	}
	key, err := official.NewKey(rand.Reader)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return explained(cat, tropa.UserError(tropa.ECONFLICT, "ErrChannelsKeyExists", map[string]any{"Path": path}))
	} else if err != nil {
		return err
	}
	if _, err := f.Write(official.MarshalKey(key)); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, cat.Text("ChannelsKeyMade", map[string]any{"Path": path}))
	fmt.Fprintln(e.stdout, official.Fingerprint(key.Public().(ed25519.PublicKey)))
	return nil
}

func (e *cmdEnv) channelsSign(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("channels sign", flag.ContinueOnError)
	keyPath := fs.String("key", "", "the signing key file that tropa channels key wrote")
	out := fs.String("out", "", "write the signed list here (default: standard output)")
	cat, path, err := e.channelsFlags(fs, args)
	if err != nil {
		return err
	}
	keyFile, err := os.ReadFile(*keyPath)
	if err != nil {
		return err
	}
	key, err := official.ParseKey(keyFile)
	if err != nil {
		return explained(cat, err)
	}
	text, err := readLimited(path)
	if err != nil {
		return err
	}
	draft, err := official.ParseDraft(text)
	if err != nil {
		return explained(cat, err)
	}
	signed, err := official.Sign(draft, key, e.clock()().UTC())
	if err != nil {
		return explained(cat, err)
	}
	if *out == "" {
		_, err = e.stdout.Write(signed)
		return err
	}
	return os.WriteFile(*out, signed, 0o644)
}

func (e *cmdEnv) channelsVerify(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("channels verify", flag.ContinueOnError)
	fingerprint := fs.String("fingerprint", "", "the fingerprint the organization published elsewhere; the list must be signed with its key")
	cat, path, err := e.channelsFlags(fs, args)
	if err != nil {
		return err
	}
	var signed []byte
	if path == "-" {
		signed, err = io.ReadAll(io.LimitReader(e.stdin, official.MaxSize+1))
	} else {
		signed, err = readLimited(path)
	}
	if err != nil {
		return err
	}
	l, err := official.Verify(signed)
	if err != nil {
		return explained(cat, err)
	}
	if *fingerprint != "" && !official.SameFingerprint(*fingerprint, l.Fingerprint()) {
		return explained(cat, tropa.UserError(tropa.EINVALID, "ErrChannelsFingerprint",
			map[string]any{"Given": l.Fingerprint(), "Expected": *fingerprint}))
	}
	fmt.Fprintln(e.stdout, cat.Text("ChannelsGoodSignature", map[string]any{"Fingerprint": l.Fingerprint(), "Date": l.Issued.Format(time.DateOnly)}))
	if *fingerprint == "" {
		fmt.Fprintln(e.stdout, cat.Text("ChannelsCompareFingerprint", nil))
	}
	fmt.Fprintln(e.stdout, l.Organization)
	for _, c := range l.Channels {
		fmt.Fprintf(e.stdout, "  %s: %s\n", cat.Text("ChannelKind_"+string(c.Kind), nil), c.Value)
	}
	return nil
}

func (e *cmdEnv) channelsPublish(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("channels publish", flag.ContinueOnError)
	at := addDatabaseFlags(fs, "data directory")
	newKey := fs.Bool("new-key", false, "the organization moved to a new signing key: take a list signed with another key than the published one")
	cat, path, err := e.channelsFlags(fs, args)
	if err != nil {
		return err
	}
	signed, err := readLimited(path)
	if err != nil {
		return err
	}
	d, db, err := openDesk(ctx, at, 1, desk.Config{Now: e.now})
	if err != nil {
		return err
	}
	defer db.Close()
	l, err := d.PublishChannels(ctx, signed, *newKey)
	if err != nil {
		return explained(cat, err)
	}
	fmt.Fprintln(e.stdout, cat.Text("ChannelsPublished", map[string]any{"Date": l.Issued.Format(time.DateOnly), "Fingerprint": l.Fingerprint()}))
	return nil
}

// readLimited reads a list or draft file, refusing one far larger than any
// list before reading it whole.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, official.MaxSize+1))
}
