package main

import (
	"context"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"tropa/admission"
	"tropa/internal/pow"
	"tropa/seal"
	"tropa/store"
)

// proofOn turns the applicant form's proof of work on in the data directory
// dir, as an administrator does on the settings page (desk/proof.go keeps
// the setting under this name).
func proofOn(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetSetting(ctx, "proof_of_work", "on"); err != nil {
		t.Fatal(err)
	}
}

// fillForm fills in the applicant form.
func fillForm(t *testing.T, ctx context.Context, message string) {
	t.Helper()
	do(t, ctx, "fill in the form",
		chromedp.Click(chromedp.CSS(`input[name=kind][value=leave_country]`)),
		chromedp.Click(chromedp.CSS(`input[name=situation][value=hospital]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea#message`), message),
	)
}

// solveTime waits for the form's script to solve its challenge and returns
// how long it took, as the script measured it.
func solveTime(t *testing.T, ctx context.Context) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	attr, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.AttributeResult, error) {
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`form.request[data-pow-ms]`))); err != nil {
			return chromedp.AttributeResult{}, err
		}
		return chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`form.request`), "data-pow-ms"))
	})
	if err != nil {
		t.Fatalf("wait for the challenge to be solved: %v", err)
	}
	ms, err := strconv.Atoi(attr.Value)
	if err != nil {
		t.Fatalf("data-pow-ms = %q", attr.Value)
	}
	return time.Duration(ms) * time.Millisecond
}

var waitSeconds = regexp.MustCompile(`\d+`)

// TestProofInBrowsers sends the form with the proof of work on: with
// JavaScript the page solves the challenge while he writes and the receipt
// comes at once; without it, sent at once, he is asked to wait a few
// seconds, and the receipt comes when he sends again after the wait. The
// script may break no rule of the site's policy: no error is logged.
func TestProofInBrowsers(t *testing.T) {
	s := startSite(t, proofOn)
	const message = "Я в госпитале после ранения. Хочу уехать, что делать?"

	t.Run("JavaScript on", func(t *testing.T) {
		ctx := startChrome(t)
		tr := record(t, ctx)
		do(t, ctx, "open the form", chromedp.Navigate(s.url+"?lang=ru"))
		fillForm(t, ctx, message)
		t.Logf("solved in %v, unthrottled", solveTime(t, ctx))
		tr.checkPage(t, "form with a challenge", s.origin)
		follow(t, ctx, `form.request button[type=submit]`)
		if _, err := seal.ParseReceipt(text(t, ctx, "p.receipt")); err != nil {
			t.Fatalf("after sending, the page shows no receipt: %v", err)
		}
		tr.checkPage(t, "receipt", s.origin)
	})

	t.Run("JavaScript on, sent before the check is done", func(t *testing.T) {
		ctx := startChrome(t)
		tr := record(t, ctx)
		throttle(t, ctx, 6)
		// Filled in and sent in one go, as fast as a script can, so that the
		// challenge is seldom solved by then; when it was, try again.
		for try := 1; ; try++ {
			do(t, ctx, "open the form", chromedp.Navigate(s.url+"?lang=ru"))
			state, err := chromedp.Run(ctx, chromedp.Evaluate[[]bool](sendAtOnce))
			if err != nil {
				t.Fatal(err)
			}
			if solved, checking := state[0], state[1]; !solved {
				if !checking {
					t.Fatal("sent before the challenge was solved, the page does not say it is checking")
				}
				break
			}
			if try == 3 {
				t.Skip("the challenge was solved before the form was sent three times running")
			}
		}
		if got := text(t, ctx, "#pow-checking"); got != "Проверка… ваше сообщение сейчас будет отправлено." {
			t.Errorf("the page says %q while checking", got)
		}
		do(t, ctx, "wait for the receipt", chromedp.WaitVisible(chromedp.CSS("p.receipt")))
		if _, err := seal.ParseReceipt(text(t, ctx, "p.receipt")); err != nil {
			t.Fatalf("once checked, the page shows no receipt: %v", err)
		}
		tr.checkPage(t, "receipt after checking", s.origin)
	})

	t.Run("JavaScript off", func(t *testing.T) {
		ctx := startChrome(t)
		noScript(t, ctx)
		tr := record(t, ctx)
		do(t, ctx, "open the form", chromedp.Navigate(s.url+"?lang=ru"))
		fillForm(t, ctx, message)
		follow(t, ctx, `form.request button[type=submit]`)
		wait := text(t, ctx, "p.wait")
		n, err := strconv.Atoi(waitSeconds.FindString(wait))
		if err != nil || n < 1 || n > 10 {
			t.Fatalf("the wait page says %q, want a wait of 1 to 10 seconds", wait)
		}
		tr.checkPage(t, "wait page", s.origin)
		screenshot(t, ctx, "proof-wait")
		do(t, ctx, "wait as asked", chromedp.Sleep(time.Duration(n)*time.Second+500*time.Millisecond))
		follow(t, ctx, `form.request button[type=submit]`)
		if _, err := seal.ParseReceipt(text(t, ctx, "p.receipt")); err != nil {
			t.Fatalf("after the wait, the page shows no receipt: %v", err)
		}
		tr.checkPage(t, "receipt after the wait", s.origin)
	})
}

// sendAtOnce fills in the form and sends it, and says whether the challenge
// was solved before, and whether the page then says it is checking.
const sendAtOnce = `(() => {
	const f = document.querySelector("form.request");
	f.querySelector("input[name=kind][value=legal]").checked = true;
	f.querySelector("input[name=situation][value=front]").checked = true;
	f.querySelector("textarea#message").value = "Сколько ждать проверку?";
	const solved = f.hasAttribute("data-pow-ms");
	f.querySelector("button[type=submit]").click();
	return [solved, !document.getElementById("pow-checking").hidden];
})()`

// throttle slows the tab's CPU down rate times.
func throttle(t *testing.T, ctx context.Context, rate float64) {
	t.Helper()
	do(t, ctx, "throttle the CPU", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: rate})
		return err
	}))
}

// TestProofSolveTime measures how long the form's script takes to solve a
// challenge of the default difficulty in Chromium, unthrottled and with the
// CPU slowed down four and six times, as a cheap phone's would be. It is a
// measurement, not a test: it runs only when TROPA_MEASURE_POW is set (to
// the number of challenges per rate, 20 when not a number), and logs the
// figures: the times, which vary with each challenge's luck, and the
// script's speed in SHA-256 tries a second, from which the time of an
// average challenge follows. A fixed loop timed at each rate shows what
// the slowdown really was on a machine that may be busy.
func TestProofSolveTime(t *testing.T) {
	runs, err := strconv.Atoi(os.Getenv("TROPA_MEASURE_POW"))
	switch {
	case os.Getenv("TROPA_MEASURE_POW") == "":
		t.Skip("TROPA_MEASURE_POW is not set: set it to measure the proof of work's cost in Chromium")
	case err != nil || runs < 1:
		runs = 20
	}
	s := startSite(t, proofOn)
	ctx := startChrome(t)
	do(t, ctx, "open the form", chromedp.Navigate(s.url))
	average := float64(pow.Parts) * math.Pow(2, admission.DefaultProofBits)
	for _, rate := range []float64{1, 4, 6} {
		throttle(t, ctx, rate)
		var times []time.Duration
		var total time.Duration
		tries := 0
		for range runs {
			do(t, ctx, "open the form", chromedp.Navigate(s.url))
			d := solveTime(t, ctx)
			times = append(times, d)
			total += d
			tries += solutionTries(t, ctx)
		}
		loop, err := chromedp.Run(ctx, chromedp.Evaluate[float64](fixedLoop))
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(times)
		speed := float64(tries) / total.Seconds()
		t.Logf("CPU slowed %gx: %d challenges of %d bits: mean %v, p50 %v, p95 %v, max %v; %.0f tries/s, so %.2fs for an average challenge (%.0f tries); fixed loop %.0f ms",
			rate, runs, admission.DefaultProofBits, (total / time.Duration(runs)).Round(time.Millisecond), times[runs/2],
			times[(runs*95+99)/100-1], times[runs-1], speed, average/speed, average, loop)
	}
}

// fixedLoop is a fixed amount of script work that returns its time in ms.
const fixedLoop = `(() => { const t = performance.now(); let x = 0; for (let i = 0; i < 5e7; i++) { x = (x + i) | 0; } return performance.now() - t; })()`

// solutionTries is how many SHA-256 tries the form's solution took: each
// part's counter, plus one.
func solutionTries(t *testing.T, ctx context.Context) int {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name=pow_solution]`)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range strings.Split(v, ",") {
		k, err := strconv.Atoi(c)
		if err != nil {
			t.Fatalf("solution %q", v)
		}
		n += k + 1
	}
	return n
}
