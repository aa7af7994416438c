// Command observatory measures how well networks follow the MANRS Actions,
// from public routing data. Each subcommand lives in its own file and
// registers itself with register; commands only parse flags and wire
// packages together.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// subcommands holds the constructors registered by the command files.
var subcommands []func() *cobra.Command

// register adds a subcommand constructor; called from init functions.
func register(f func() *cobra.Command) { subcommands = append(subcommands, f) }

// exitError carries a specific exit status out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks errors that must exit with status 2.
func usageError(err error) error { return &exitError{code: 2, err: err} }

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "observatory",
		Short:         "Routing-security observatory: MANRS conformance from public routing data",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError(err) })
	var cpuProfile string
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile to this file (for developers)")
	root.PersistentFlags().MarkHidden("cpuprofile") //nolint:errcheck // the flag exists
	var profile *os.File
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return usageError(err)
		}
		profile = f
		return pprof.StartCPUProfile(f)
	}
	root.PersistentPostRun = func(*cobra.Command, []string) {
		if profile != nil {
			pprof.StopCPUProfile()
			profile.Close()
		}
	}
	for _, f := range subcommands {
		root.AddCommand(f())
	}
	return root
}

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the CLI and maps errors to exit codes: 2 for usage errors,
// the code of an exitError, 1 otherwise.
func run(args []string) int { return runWithOutput(args, os.Stdout) }

// runWithOutput runs the CLI writing standard output to stdout.
func runWithOutput(args []string, stdout io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(os.Stderr, "observatory:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(os.Stderr, "observatory:", err)
	// A month, ASN or record that is not stored is a data error.
	if isUsage(err) || errors.Is(err, store.ErrNotFound) {
		return 2
	}
	return 1
}

// isUsage recognises cobra's own argument errors.
func isUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
