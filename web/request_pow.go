package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"tropa"
	"tropa/admission"
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

// proofView is a challenge as the form carries it.
type proofView struct {
	Token string
	Bits  int
	Parts int
}

func viewOf(c pow.Challenge) *proofView {
	return &proofView{Token: c.Token(), Bits: c.Bits, Parts: pow.Parts}
}

// formProof is the challenge a form shows, or nil when none is asked for.
func (s *Server) formProof(ctx context.Context) (*proofView, error) {
	on, err := s.intake.ProofOn(ctx)
	if err != nil || !on {
		return nil, err
	}
	c, err := s.intake.Challenge(ctx)
	if err != nil {
		return nil, err
	}
	return viewOf(c), nil
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
// asked for, and returns the verdict for the intake's AdmitProved. If the proof does not
// let the submission through, it answers with the wait page and reports
// that it did; nothing is stored.
func (s *Server) proveForm(w http.ResponseWriter, r *http.Request, p *page, sub tropa.Submission) (v admission.Verdict, answered bool, err error) {
	on, err := s.intake.ProofOn(r.Context())
	if err != nil || !on {
		return admission.Verdict{}, false, err
	}
	v, err = s.intake.CheckProof(r.Context(), r.PostForm.Get("pow_token"), r.PostForm.Get("pow_solution"), true)
	if err != nil || v.OK {
		return v, false, err
	}
	status, c, wait := http.StatusOK, v.Challenge, v.Wait
	if v.Err != nil {
		// A form without a challenge is no fault of his: it was shown
		// before the check was turned on.
		if !errors.Is(v.Err, admission.ErrProofMissing) {
			p.Error = p.Explain(v.Err)
			status = s.errorStatus(r, v.Err)
			setRetryAfter(w, v.Err)
		}
		if c, err = s.intake.Challenge(r.Context()); err != nil {
			return admission.Verdict{}, false, err
		}
		wait = admission.ProofWait
	}
	p.Data = waitData{Submission: sub, Seconds: int((wait + time.Second - 1) / time.Second), Proof: viewOf(c)}
	s.render(w, status, "request_wait", p)
	return admission.Verdict{}, true, nil
}

// proofHeader carries a solved challenge to the API: "token:solution".
const proofHeader = "Tropa-Proof"

// proveAPI checks the solved challenge an API submission carries, when one
// is asked for, and returns the verdict for the intake's AdmitProved. Programs get no
// wait: they solve.
func (s *Server) proveAPI(r *http.Request) (admission.Verdict, error) {
	on, err := s.intake.ProofOn(r.Context())
	if err != nil || !on {
		return admission.Verdict{}, err
	}
	token, solution, _ := strings.Cut(r.Header.Get(proofHeader), ":")
	v, err := s.intake.CheckProof(r.Context(), token, solution, false)
	if err == nil && v.Err != nil {
		err = v.Err
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
	on, err := s.intake.ProofOn(r.Context())
	if err != nil {
		return 0, nil, err
	}
	c, err := s.intake.Challenge(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, apiChallenge{Required: on, Token: c.Token(), Bits: c.Bits, Parts: pow.Parts,
		ExpiresAt: c.Issued.Add(admission.ProofValidity).UTC()}, nil
}
