package main

import (
	"context"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// asTropaEnv, set to 1, makes the test binary run as tropa itself with the
// arguments it was given, so that a test can start a real tropa process and
// kill it. fileSizeEnv, set to a number of bytes, caps every file that
// process writes, as a full disk would.
// clockEnv, set to a file's path, makes that process's desk keep time by
// the time written in the file (RFC 3339), read afresh at every reading.
const (
	asTropaEnv  = "TROPA_TEST_AS_TROPA"
	fileSizeEnv = "TROPA_TEST_FILE_SIZE_LIMIT"
	clockEnv    = "TROPA_TEST_CLOCK_FILE"
)

func TestMain(m *testing.M) {
	if os.Getenv(asTropaEnv) == "1" {
		if n := os.Getenv(fileSizeEnv); n != "" {
			if err := limitFileSize(n); err != nil {
				os.Stderr.WriteString("tropa test: " + err.Error() + "\n")
				os.Exit(2)
			}
		}
		if path := os.Getenv(clockEnv); path != "" {
			serveWithClock(path)
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveWithClock runs "tropa serve" as main would, with the desk's clock
// read from the file at path.
func serveWithClock(path string) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cmdEnv{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: func() time.Time {
		b, err := os.ReadFile(path)
		if err != nil {
			panic(err)
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b)))
		if err != nil {
			panic(err)
		}
		return t
	}}
	if err := env.serve(ctx, os.Args[2:]); err != nil {
		os.Stderr.WriteString("tropa: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(0)
}

// process is "tropa serve" running as a process of its own.
type process struct {
	cmd    *exec.Cmd
	url    string
	out    *lockedBuffer
	exited chan struct{}
	err    error
}

// startProcess runs "tropa serve" on a free port of the loopback over the
// data directory dir, with env added to this process's environment, and
// returns once it serves.
func startProcess(t *testing.T, dir string, env ...string) *process {
	t.Helper()
	p := launchProcess(t, dir, env...)
	deadline := time.After(20 * time.Second)
	for {
		if m := servingLine.FindSubmatch(p.out.Bytes()); m != nil {
			p.url = string(m[1])
			return p
		}
		select {
		case <-p.exited:
			t.Fatalf("tropa serve exited: %v\n%s", p.err, p.out.Bytes())
		case <-deadline:
			t.Fatalf("tropa serve did not start:\n%s", p.out.Bytes())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// launchProcess runs "tropa serve" like startProcess, but returns at once,
// while it is still opening the database.
func launchProcess(t *testing.T, dir string, env ...string) *process {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("stopping a server process takes SIGTERM, which Windows does not have")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{out: &lockedBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(exe, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	p.cmd.Env = append(append(os.Environ(), asTropaEnv+"=1"), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// kill ends the process with SIGKILL, as a power cut or the OOM killer
// would, and waits until it is gone. A process that already ended by
// itself fails the test.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if !p.running() {
		t.Fatalf("tropa serve ended by itself: %v\n%s", p.err, p.out.Bytes())
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exited
}

// stop shuts the process down as an administrator would, with SIGTERM,
// and fails the test unless it exits cleanly.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("tropa serve did not stop within 30s of SIGTERM")
	}
	if p.err != nil {
		t.Fatalf("tropa serve: %v\n%s", p.err, p.out.Bytes())
	}
}

// running reports whether the process is still alive.
func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// output is all the process printed, for failure messages.
func (p *process) output() string {
	return strings.TrimSpace(string(p.out.Bytes()))
}
