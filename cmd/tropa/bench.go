package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"tropa/internal/load"
)

func (e *cmdEnv) bench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	target := fs.String("url", "", "a running tropa on this machine (e.g. http://127.0.0.1:8080/); default: start one in a temporary directory")
	mix := fs.String("mix", load.DefaultMix.String(), "requests by weight: submit (web form), api (JSON), check (receipt), staff (inbox and case pages)")
	rate := fs.Float64("rate", 0, "offered requests a second, all kinds together (open loop)")
	concurrency := fs.Int("concurrency", 0, "clients each sending the next request when the last is answered (closed loop)")
	duration := fs.Duration("duration", 30*time.Second, "how long to run")
	maxRequests := fs.Int("max-requests", 0, "stop after this many requests (0: no limit)")
	ceilingTime := fs.Duration("ceiling-time", 3*time.Second, "how long to measure argon2id alone for the ceiling")
	findCeiling := fs.Bool("find-ceiling", false, "raise the offered rate step by step to find the most tropa sustains")
	stepTime := fs.Duration("step-time", 10*time.Second, "how long each step of --find-ceiling lasts")
	staffName := fs.String("staff-name", "", "with --url: a staff member to read pages as (e.g. demo-caseworker)")
	staffPassword := fs.String("staff-password", "", "with --url: their password (or TROPA_STAFF_PASSWORD_FILE)")
	staffTOTP := fs.String("staff-totp-secret", "", "with --url: their TOTP secret, as tropa demo prints it")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := e.parseFlags(fs, args); err != nil {
		return err
	}
	m, err := load.ParseMix(*mix)
	if err != nil {
		return err
	}
	o := load.Options{URL: *target, Mix: m, Rate: *rate, Concurrency: *concurrency, Duration: *duration,
		MaxRequests: *maxRequests, CeilingTime: *ceilingTime, FindCeiling: *findCeiling, StepTime: *stepTime, Out: e.stdout}
	if *staffName != "" {
		o.Staff = []load.Staff{{Name: *staffName, Password: *staffPassword, TOTPSecret: *staffTOTP}}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		o.CPUProfile = f
	}
	rep, err := load.Run(ctx, o)
	if err != nil {
		return err
	}
	if rep.Errors() > 0 {
		return fmt.Errorf("%d requests failed", rep.Errors())
	}
	return nil
}
