//go:build !unix

package load

import "time"

// cpuTime is not known here: the report leaves CPU figures out.
func cpuTime() time.Duration { return 0 }
