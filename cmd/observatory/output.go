package main

import (
	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/atomicfile"
)

// writeOutput writes b to the standard output of cmd, or to the file out
// whole or not at all (internal/atomicfile) when out is set.
func writeOutput(cmd *cobra.Command, out string, b []byte) error {
	if out == "" {
		_, err := cmd.OutOrStdout().Write(b)
		return err
	}
	return atomicfile.Write(out, b, 0o644)
}
