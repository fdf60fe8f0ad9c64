package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"tropa"
	"tropa/internal/pow"
)

// waitData is the page that asks an applicant whose browser runs no script
// to wait a few seconds. It carries his form on in hidden fields, so that
// nothing he typed is lost, with the challenge that matures meanwhile.
type waitData struct {
	Submission tropa.Submission
	Seconds    int
	Proof      *proofView
}

// requestFormFor is the applicant form holding sub, with a challenge when
// one is asked for.
func (s *Server) requestFormFor(ctx context.Context, sub tropa.Submission) (*requestFormData, error) {
	f := newRequestForm(sub)
	proof, err := s.formProof(ctx)
	f.Proof = proof
	return f, err
}

// proveForm checks the proof of work a posted form carries, when one is
// asked for, and returns the verdict for admitProved. If the proof does not
// let the submission through, it answers with the wait page and reports
// that it did; nothing is stored.
func (s *Server) proveForm(w http.ResponseWriter, r *http.Request, p *page, sub tropa.Submission) (v verdict, answered bool, err error) {
	on, err := s.proofOn(r.Context())
	if err != nil || !on {
		return verdict{}, false, err
	}
	v, err = s.checkProof(r.Context(), r.PostForm.Get("pow_token"), r.PostForm.Get("pow_solution"), true)
	if err != nil || v.ok {
		return v, false, err
	}
	status, c, wait := http.StatusOK, v.challenge, v.wait
	if v.err != nil {
		// A form without a challenge is no fault of his: it was shown
		// before the check was turned on.
		if v.err != errProofMissing {
			p.Error = p.Explain(v.err)
			status = s.errorStatus(r, v.err)
			setRetryAfter(w, v.err)
		}
		if c, err = s.challenge(r.Context()); err != nil {
			return verdict{}, false, err
		}
		wait = proofWait
	}
	p.Data = waitData{Submission: sub, Seconds: int((wait + time.Second - 1) / time.Second), Proof: viewOf(c)}
	s.render(w, status, "request_wait", p)
	return verdict{}, true, nil
}

// proofHeader carries a solved challenge to the API: "token:solution".
const proofHeader = "Tropa-Proof"

// proveAPI checks the solved challenge an API submission carries, when one
// is asked for, and returns the verdict for admitProved. Programs get no
// wait: they solve.
func (s *Server) proveAPI(r *http.Request) (verdict, error) {
	on, err := s.proofOn(r.Context())
	if err != nil || !on {
		return verdict{}, err
	}
	token, solution, _ := strings.Cut(r.Header.Get(proofHeader), ":")
	v, err := s.checkProof(r.Context(), token, solution, false)
	if err == nil && v.err != nil {
		err = v.err
	}
	return v, err
}

// apiChallenge is a challenge for a program to solve.
type apiChallenge struct {
	// Required says whether submissions need it now.
	Required  bool      `json:"required"`
	Token     string    `json:"token"`
	Bits      int       `json:"bits"`
	Parts     int       `json:"parts"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) apiChallengeIssue(r *http.Request) (int, any, error) {
	on, err := s.proofOn(r.Context())
	if err != nil {
		return 0, nil, err
	}
	c, err := s.challenge(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, apiChallenge{Required: on, Token: c.Token(), Bits: c.Bits, Parts: pow.Parts,
		ExpiresAt: c.Issued.Add(proofValidity).UTC()}, nil
}
