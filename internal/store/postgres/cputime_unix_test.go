//go:build unix

package postgres

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time of the process so far: the
// client side of a write; the server's CPU time is not counted.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
