package main

import (
	"strconv"
	"syscall"
)

// limitFileSize caps the size of every file this process writes at n bytes.
// The Go runtime ignores SIGXFSZ, so a write past the cap fails with EFBIG,
// as one on a full disk fails with ENOSPC.
func limitFileSize(n string) error {
	size, err := strconv.ParseUint(n, 10, 64)
	if err != nil {
		return err
	}
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: size, Max: size})
}

// canLimitFileSize says why a test that needs limitFileSize cannot run, or "".
const canLimitFileSize = ""
