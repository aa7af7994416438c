//go:build unix

package sqlite

import "syscall"

// syscallUmask sets the process's file mode creation mask.
func syscallUmask(mask int) int { return syscall.Umask(mask) }
