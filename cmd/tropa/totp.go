package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/pquerna/otp/totp"
)

// totpCode prints the current code for a TOTP secret, so that the demo's
// staff logins can be tried without an authenticator app.
func (e *cmdEnv) totpCode(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: tropa totp-code SECRET")
	}
	code, err := totp.GenerateCode(args[0], time.Now())
	if err != nil {
		return fmt.Errorf("not a TOTP secret: %w", err)
	}
	fmt.Fprintln(e.stdout, code)
	return nil
}
