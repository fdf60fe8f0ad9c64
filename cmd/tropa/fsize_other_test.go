//go:build !linux

package main

import "errors"

func limitFileSize(string) error {
	return errors.New("capping file sizes is implemented for Linux only")
}

// canLimitFileSize says why a test that needs limitFileSize cannot run, or "".
const canLimitFileSize = "capping file sizes (RLIMIT_FSIZE) is implemented for Linux only"
