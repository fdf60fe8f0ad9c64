package load

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"tropa/seal"
)

// TestRunSelfHosted sends an in-process tropa every kind of request for a
// moment and checks that the report shows work done, no errors, and
// receipts that opened the requests they were given for. The rate keeps
// receipt checks under the server's limit for them (20 a second).
func TestRunSelfHosted(t *testing.T) {
	var out bytes.Buffer
	rep, err := Run(context.Background(), Options{
		Mix:  Mix{OpSubmit: 3, OpAPI: 1, OpCheck: 1, OpStaff: 2},
		Rate: 60, Duration: 2 * time.Second, CeilingTime: 50 * time.Millisecond,
		ReceiptParams: seal.TestParams, PasswordParams: seal.TestParams, Out: &out,
	})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	if rep.Errors() != 0 {
		t.Errorf("%d requests failed:\n%s", rep.Errors(), out.String())
	}
	if rep.Submissions <= 0 || rep.Ceiling <= 0 {
		t.Errorf("submissions %.1f/s, ceiling %.1f/s; want both above zero", rep.Submissions, rep.Ceiling)
	}
	if rep.ReceiptsOpened == 0 {
		t.Errorf("no receipt was checked and opened:\n%s", out.String())
	}
	got := map[string]int{}
	for _, s := range rep.Ops {
		got[s.Op] = s.OK
	}
	for _, op := range []string{"submit", "api", "check", "staff inbox", "staff case"} {
		if got[op] == 0 {
			t.Errorf("no successful %q request:\n%s", op, out.String())
		}
	}
	if rep.PeakRSS == 0 || rep.PeakHeap == 0 {
		t.Errorf("memory of the in-process server not reported: RSS %d, heap %d", rep.PeakRSS, rep.PeakHeap)
	}
	for _, want := range []string{"ceiling:", "submissions:", "targets:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunCountsErrors drives a server that refuses every submission: the
// report must say so, by status, not count refusals as throughput.
func TestRunCountsErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	var out bytes.Buffer
	rep, err := Run(context.Background(), Options{URL: srv.URL, Mix: Mix{OpSubmit: 1}, Rate: 200, MaxRequests: 20,
		CeilingTime: 10 * time.Millisecond, Out: &out})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rep.Submissions != 0 {
		t.Errorf("refused submissions counted: %.1f/s", rep.Submissions)
	}
	if len(rep.Ops) != 1 || rep.Ops[0].Errors["HTTP 429 Too Many Requests"] != 20 {
		t.Errorf("errors = %+v, want 20 × HTTP 429", rep.Ops)
	}
	if !strings.Contains(out.String(), "no errors: NO") {
		t.Errorf("report does not flag the errors:\n%s", out.String())
	}
}

func TestCheckLoopback(t *testing.T) {
	tests := map[string]bool{
		"http://127.0.0.1:8080/":    true,
		"http://localhost:8080":     true,
		"https://[::1]:8443/x":      true,
		"http://127.1.2.3:80":       true,
		"http://10.0.0.1:8080/":     false,
		"http://example.org/":       false,
		"http://[2001:db8::1]:80/":  false,
		"ftp://127.0.0.1/":          false,
		"127.0.0.1:8080":            false,
		"http://localhost.evil.org": false,
	}
	for target, ok := range tests {
		t.Run(target, func(t *testing.T) {
			if _, err := CheckLoopback(target); (err == nil) != ok {
				t.Errorf("CheckLoopback(%q) = %v, want allowed %v", target, err, ok)
			}
		})
	}
}

func TestParseMix(t *testing.T) {
	tests := map[string]struct {
		in   string
		want Mix
		bad  bool
	}{
		"default":    {in: "submit=8,check=1,staff=1", want: Mix{OpSubmit: 8, OpCheck: 1, OpStaff: 1}},
		"spaces":     {in: "submit=1, api=1", want: Mix{OpSubmit: 1, OpAPI: 1}},
		"unknown op": {in: "submit=1,login=1", bad: true},
		"no weight":  {in: "submit", bad: true},
		"negative":   {in: "submit=-1", bad: true},
		"all zero":   {in: "submit=0", bad: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m, err := ParseMix(tt.in)
			if (err != nil) != tt.bad {
				t.Fatalf("ParseMix(%q) error = %v, want error %v", tt.in, err, tt.bad)
			}
			if !tt.bad && m.String() != tt.want.String() {
				t.Errorf("ParseMix(%q) = %s, want %s", tt.in, m, tt.want)
			}
		})
	}
}

// TestRunFindCeiling ramps the offered rate: every step is printed and
// the report is of a step that ran.
func TestRunFindCeiling(t *testing.T) {
	var out bytes.Buffer
	rep, err := Run(context.Background(), Options{Mix: Mix{OpSubmit: 1}, FindCeiling: true,
		StepTime: 300 * time.Millisecond, CeilingTime: 50 * time.Millisecond,
		ReceiptParams: seal.TestParams, PasswordParams: seal.TestParams, Out: &out})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	if steps := strings.Count(out.String(), "offered "); steps == 0 {
		t.Errorf("no step printed:\n%s", out.String())
	}
	if rep.Rate <= 0 || rep.Submissions <= 0 || rep.CeilingAfter <= 0 {
		t.Errorf("report of no step: rate %.1f, submissions %.1f/s, ceiling after %.1f\n%s",
			rep.Rate, rep.Submissions, rep.CeilingAfter, out.String())
	}
}

// A server that is not there is an error of its own kind, not a slow answer.
func TestRunServerGone(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	rep, err := Run(context.Background(), Options{URL: srv.URL, Mix: Mix{OpSubmit: 1}, Rate: 100, MaxRequests: 5,
		CeilingTime: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(rep.Ops) != 1 || rep.Ops[0].Errors["connection refused"] != 5 {
		t.Errorf("errors = %+v, want 5 × connection refused", rep.Ops)
	}
}

// The ramp climbs by tenths of the ceiling and, at the first step not kept
// up with, tries once halfway back, whatever that step shows.
func TestRamp(t *testing.T) {
	for _, tc := range []struct {
		kept []bool
		want []float64
	}{
		{kept: []bool{false}, want: []float64{5}},
		{kept: []bool{true, true, false, true}, want: []float64{5, 6, 7, 6.5}},
		{kept: []bool{true, false, false}, want: []float64{5, 6, 5.5}},
	} {
		r := ramp{tenths: 5}
		var got []float64
		for _, kept := range tc.kept {
			got = append(got, r.tenths)
			if !r.next(kept) {
				break
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("steps for %v = %v, want %v", tc.kept, got, tc.want)
		}
		if !r.halfway && tc.kept[0] {
			t.Errorf("steps for %v: ended without the halfway step", tc.kept)
		}
	}
}
