// Package load drives a tropa server over loopback the way a flood after a
// publicized case would: applicants submitting through the form and the
// API, applicants coming back with their receipts, and staff reading the
// inbox and cases meanwhile. It measures, in the same run, the argon2id
// work every submission must pay, so that tropa's rate can be read against
// the most the machine could do.
package load

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tropa/seal"
)

// Staff is a staff member the tool logs in as to read pages.
type Staff struct {
	Name, Password, TOTPSecret string
}

// Options configure a run.
type Options struct {
	// URL is the server to drive, on loopback; empty starts one in-process
	// in a temporary data directory, removed afterwards.
	URL string
	// Staff log in to read pages of a server at URL.
	Staff []Staff
	Mix   Mix
	// Rate is the offered rate, requests a second of every kind together
	// (open loop); else Concurrency clients each send their next request
	// when the last is answered (closed loop).
	Rate        float64
	Concurrency int
	// The run ends after Duration or MaxRequests (if not 0), first reached.
	Duration    time.Duration
	MaxRequests int
	// CeilingTime is how long the argon2id derivation is measured alone.
	CeilingTime time.Duration
	// FindCeiling ramps the offered rate in steps of StepTime, from half
	// the ceiling up, until tropa no longer keeps up.
	FindCeiling bool
	StepTime    time.Duration
	// ReceiptParams and PasswordParams are the in-process server's argon2id
	// costs; zero means production's. Tests make them cheap.
	ReceiptParams, PasswordParams seal.Params
	// CPUProfile, if set, receives a CPU profile of the run (the in-process
	// server and the clients together).
	CPUProfile io.Writer
	Out        io.Writer
}

// Op is one kind of request the tool sends.
type Op string

const (
	OpSubmit Op = "submit" // the web form, as a browser without JavaScript posts it
	OpAPI    Op = "api"    // the JSON API
	OpCheck  Op = "check"  // a receipt brought back to the check page
	OpStaff  Op = "staff"  // a staff page: the inbox or a case, in turn
)

var ops = []Op{OpSubmit, OpAPI, OpCheck, OpStaff}

// Mix weighs the kinds of request against each other.
type Mix map[Op]int

// DefaultMix is mostly submissions, as in a flood.
var DefaultMix = Mix{OpSubmit: 8, OpCheck: 1, OpStaff: 1}

// ParseMix reads "submit=8,check=1,staff=1".
func ParseMix(s string) (Mix, error) {
	m := Mix{}
	for part := range strings.SplitSeq(s, ",") {
		name, weight, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(weight)
		if !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("mix %q: want op=weight, comma-separated", part)
		}
		if !isOp(Op(name)) {
			return nil, fmt.Errorf("mix: unknown op %q (want submit, api, check or staff)", name)
		}
		m[Op(name)] += n
	}
	if m.total() == 0 {
		return nil, fmt.Errorf("mix %q: every weight is zero", s)
	}
	return m, nil
}

func isOp(o Op) bool {
	for _, op := range ops {
		if op == o {
			return true
		}
	}
	return false
}

func (m Mix) total() int {
	n := 0
	for _, w := range m {
		n += w
	}
	return n
}

// share is the part of all requests that are one of these ops.
func (m Mix) share(of ...Op) float64 {
	n := 0
	for _, o := range of {
		n += m[o]
	}
	return float64(n) / float64(m.total())
}

// pick chooses an op by weight; r is uniform in [0, 1).
func (m Mix) pick(r float64) Op {
	n := int(r * float64(m.total()))
	for _, o := range ops {
		if n < m[o] {
			return o
		}
		n -= m[o]
	}
	return OpSubmit
}

// CheckLoopback refuses any target but this machine: the tool floods, and
// flooding someone else's server is an attack.
func CheckLoopback(target string) (*url.URL, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q: want http://127.0.0.1:PORT/ or similar", target)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--url %q: the load tool drives only servers on this machine (127.0.0.1, ::1 or localhost), never %s", target, host)
	}
	u.Path, u.RawQuery, u.Fragment = "", "", ""
	return u, nil
}

func (o *Options) validate() error {
	if o.Mix == nil {
		o.Mix = DefaultMix
	}
	if (o.Rate > 0) == (o.Concurrency > 0) && !o.FindCeiling {
		return fmt.Errorf("give either --rate (open loop) or --concurrency (closed loop)")
	}
	if o.Duration <= 0 && o.MaxRequests <= 0 && !o.FindCeiling {
		return fmt.Errorf("give --duration or --max-requests, so that the run ends")
	}
	if o.FindCeiling && o.Mix.share(OpSubmit, OpAPI) == 0 {
		return fmt.Errorf("--find-ceiling needs submissions in the mix")
	}
	if o.StepTime <= 0 {
		o.StepTime = 5 * time.Second
	}
	if o.CeilingTime <= 0 {
		o.CeilingTime = 3 * time.Second
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.URL != "" {
		if _, err := CheckLoopback(o.URL); err != nil {
			return err
		}
		if o.Mix[OpStaff] > 0 && len(o.Staff) == 0 {
			return fmt.Errorf("staff pages in the mix need a staff login: --staff-name, --staff-password, --staff-totp-secret")
		}
	}
	return nil
}
