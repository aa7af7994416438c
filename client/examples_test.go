package client_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamples builds the programs of client/examples and runs each
// against the server, as a pipeline would, checking exit codes and output.
func TestExamples(t *testing.T) {
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "github.com/observatory-net/observatory/client/examples/...")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the examples: %v\n%s", err, out)
	}
	for _, c := range []struct {
		key          string // "" for none
		args         []string
		code         int
		stdout, errs []string
	}{
		{"ripe", []string{"myscores", "AS3333"}, 0, []string{"AS3333 RIPE-NCC-AS", "filtering                ready     0.95", "2 routes, 1 incidents counted"}, nil},
		{"ripe", []string{"myscores", "AS15169"}, 1, nil, []string{"this key may not see AS15169", "403 Forbidden"}},
		{"ripe", []string{"gate", "AS3333"}, 0, []string{"gate: AS3333 at least ready"}, nil},
		{"ripe", []string{"gate", "AS3333", "AS64501"}, 1, nil, []string{"AS64501 is not ready: filtering is lagging (0.50, 2026-10)"}},
		{"", []string{"gate", "-min", "aspiring", "AS15169"}, 0, []string{"at least aspiring"}, nil},
		{"", []string{"gate", "-strict", "-scores", "antiSpoofing", "AS64500"}, 1, nil, []string{"AS64500 is not ready: antiSpoofing is noData"}},
		{"", []string{"gate", "AS64999"}, 1, nil, []string{"AS64999 is not measured"}},
		{"", []string{"gate", "ASX"}, 2, nil, []string{`ASN "ASX"`}},
		{"ripe", []string{"flagfp", "AS3333"}, 0, []string{"3333-M2-1  M2  2026-10-02 – 2026-10-03  counted", `"rule":"rpki-invalid-and-no-irr-match"`}, nil},
		{"ripe", []string{"flagfp", "-flag", "3333-M2-1", "-reason", "customer route, ticket 42", "AS3333"}, 0, []string{"flagged 3333-M2-1: feedback", "pending"}, nil},
		{"ripe", []string{"flagfp", "AS3333"}, 0, []string{"counted, feedback pending"}, nil},
		{"ripe", []string{"flagfp", "-flag", "3333-M2-1", "-reason", "again", "AS3333"}, 1, nil, []string{"already has a pending feedback"}},
		{"ripe", []string{"flagfp", "AS64500"}, 1, nil, []string{"403"}},
		{"", []string{"economy", "NL"}, 0, []string{"AS3333,RIPE-NCC-AS Réseaux IP Européens,NL,true,hidden,", "AS64500,EXAMPLE-NL,NL,false,0.900,noData,1.000,0.900,0.880"}, []string{"economy: 2 networks"}},
		{"", []string{"economy", "DE"}, 0, []string{"AS65239,EXAMPLE-DE-239,DE"}, []string{"economy: 240 networks"}},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(filepath.Join(dir, c.args[0]), c.args[1:]...)
			cmd.Env = append(os.Environ(), "OBSERVATORY_URL="+srv.url, "OBSERVATORY_TOKEN="+srv.tokens[c.key])
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, &stdout, &stderr)
			}
			for _, w := range c.stdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, &stdout)
				}
			}
			for _, w := range c.errs {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, &stderr)
				}
			}
		})
	}
}
