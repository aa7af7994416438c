//go:build !unix

package sqlite

// syscallUmask does nothing where there is no umask.
func syscallUmask(mask int) int { return mask }
