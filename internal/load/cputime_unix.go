//go:build unix

package load

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used, user and system. On a
// machine shared with other work, CPU time per request says what tropa
// costs when wall-clock rates only say how busy the neighbours were.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
