package load

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"tropa/seal"
)

// Report is what a run measured.
type Report struct {
	Cores  int
	Params seal.Params
	// Ceiling is receipt derivations a second on all cores, measured alone
	// before and after the load; the mean of the two.
	Ceiling, CeilingBefore, CeilingAfter float64
	Mix                                  Mix
	Rate                                 float64
	Concurrency                          int
	SelfHosted                           bool
	// FoundCeiling says the rate was found by ramping it up.
	FoundCeiling bool
	Elapsed      time.Duration
	Ops          []OpStats
	// Submissions are the receipts given a second, by form and API;
	// Derivations add the receipt checks, which cost the same work.
	Submissions, Derivations float64
	SubmitP99, StaffP99      time.Duration
	// ReceiptsOpened counts receipt checks that opened the request sent.
	ReceiptsOpened int
	// PeakRSS and PeakHeap are known for the in-process server only.
	PeakRSS, PeakHeap uint64
	// CPUPerDerivation is this process's CPU time per derivation alone;
	// CPUPerRequest its CPU time under load per submission or receipt check
	// (the requests that derive), the in-process server's and the clients'
	// together, staff pages included. Their ratio is the share of the
	// ceiling tropa would reach on a machine of its own.
	CPUPerDerivation, CPUPerRequest time.Duration
	// SchedP99 is how long goroutines of this process waited to run, at the
	// 99th percentile: the server's and the clients' together.
	SchedP99 time.Duration
	cpu      time.Duration
}

func (r *Report) fill(rec *recorder, elapsed, cpu time.Duration) {
	r.Elapsed, r.Ops, r.cpu = elapsed, rec.stats(elapsed), cpu
	r.Submissions, r.Derivations, r.SubmitP99, r.StaffP99 = 0, 0, 0, 0
	for _, s := range r.Ops {
		switch s.Op {
		case string(OpSubmit), string(OpAPI):
			r.Submissions += s.PerSecond
			r.Derivations += s.PerSecond
			r.SubmitP99 = max(r.SubmitP99, s.P99)
		case string(OpCheck):
			r.Derivations += s.PerSecond
		default:
			r.StaffP99 = max(r.StaffP99, s.P99)
		}
	}
	if n := r.Derivations * elapsed.Seconds(); n > 0 && cpu > 0 {
		r.CPUPerRequest = time.Duration(float64(cpu) / n)
	}
}

// CPURatio is CPUPerDerivation over CPUPerRequest, 0 when not known.
func (r *Report) CPURatio() float64 {
	if r.CPUPerRequest == 0 {
		return 0
	}
	return float64(r.CPUPerDerivation) / float64(r.CPUPerRequest)
}

// Answered counts the requests of every op answered without error.
func (r *Report) Answered() int {
	n := 0
	for _, s := range r.Ops {
		n += s.OK
	}
	return n
}

// Errors counts the failed requests of every op.
func (r *Report) Errors() int {
	n := 0
	for _, s := range r.Ops {
		n += s.Failed()
	}
	return n
}

// Ratio is the submission rate over the ceiling.
func (r *Report) Ratio() float64 {
	if r.Ceiling == 0 {
		return 0
	}
	return r.Submissions / r.Ceiling
}

// Held reports whether the run met every target.
func (r *Report) Held() bool {
	return r.Ratio() >= TargetRatio && r.SubmitP99 < TargetSubmitP99 && r.StaffP99 < TargetStaffP99 && r.Errors() == 0
}

func (m Mix) String() string {
	var parts []string
	for _, o := range ops {
		if m[o] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", o, m[o]))
		}
	}
	return strings.Join(parts, ",")
}

func round(d time.Duration) time.Duration {
	if d > 10*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}

// Print writes the report for people.
func (r *Report) Print(w io.Writer) {
	if r.Ceiling > 0 {
		fmt.Fprintf(w, "\nceiling: %.1f receipt derivations/s (%.1f before the load, %.1f after; %s, %d cores: %s each)\n",
			r.Ceiling, r.CeilingBefore, r.CeilingAfter, r.Params, r.Cores,
			round(time.Duration(float64(r.Cores)*float64(time.Second)/r.Ceiling)))
	}
	load := fmt.Sprintf("closed loop, %d clients", r.Concurrency)
	if r.Rate > 0 {
		load = fmt.Sprintf("open loop, %.1f requests/s offered", r.Rate)
	}
	fmt.Fprintf(w, "load: %s, mix %s, %s\n\n", load, r.Mix, r.Elapsed.Round(10*time.Millisecond))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tok\t/s\tp50\tp95\tp99\tmax\terrors\t")
	for _, s := range r.Ops {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%d\t\n", s.Op, s.OK, s.PerSecond, round(s.P50), round(s.P95),
			round(s.P99), round(s.Max), s.Failed())
	}
	tw.Flush()
	for _, s := range r.Ops {
		for _, kind := range slices.Sorted(maps.Keys(s.Errors)) {
			fmt.Fprintf(w, "  %s: %d × %s\n", s.Op, s.Errors[kind], kind)
		}
	}
	fmt.Fprintf(w, "\nsubmissions: %.1f/s = %.1f%% of the ceiling; with receipt checks %.1f derivations/s = %.1f%%\n",
		r.Submissions, 100*r.Ratio(), r.Derivations, 100*r.Derivations/max(r.Ceiling, 1e-9))
	if r.ReceiptsOpened > 0 {
		fmt.Fprintf(w, "receipts checked and opened: %d\n", r.ReceiptsOpened)
	}
	if r.SelfHosted && r.CPURatio() > 0 {
		fmt.Fprintf(w, "CPU: %s per derivation alone, %s per submission or check under load = %.1f%% "+
			"(what the ratio would be with the machine to itself)\n", round(r.CPUPerDerivation), round(r.CPUPerRequest),
			100*r.CPURatio())
	}
	if r.SelfHosted && r.SchedP99 > 0 {
		fmt.Fprintf(w, "Go scheduler: p99 wait for a core %s\n", round(r.SchedP99))
	}
	if r.SelfHosted {
		fmt.Fprintf(w, "memory: peak RSS %d MiB, peak Go heap %d MiB (server and clients in one process)\n",
			r.PeakRSS>>20, r.PeakHeap>>20)
	}
	yes := map[bool]string{true: "yes", false: "NO"}
	staff := fmt.Sprintf("%s (%s)", yes[r.StaffP99 < TargetStaffP99], round(r.StaffP99))
	if r.Mix[OpStaff] == 0 {
		staff = "no staff pages in the mix"
	}
	fmt.Fprintf(w, "targets: submissions ≥ %.0f%% of the ceiling: %s (%.1f%%); submission p99 < %s: %s (%s); "+
		"staff p99 < %s: %s; no errors: %s\n",
		100*TargetRatio, yes[r.Ratio() >= TargetRatio], 100*r.Ratio(), TargetSubmitP99, yes[r.SubmitP99 < TargetSubmitP99],
		round(r.SubmitP99), TargetStaffP99, staff, yes[r.Errors() == 0])
	if !r.FoundCeiling && r.Rate > 0 && r.Rate*r.Mix.share(OpSubmit, OpAPI) < TargetRatio*r.Ceiling {
		fmt.Fprintln(w, "note: the submissions offered were below the target share of the ceiling; "+
			"use --find-ceiling or --concurrency to learn the most tropa sustains")
	}
}
