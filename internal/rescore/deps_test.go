package rescore_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps_noReaders keeps re-scoring, and so the API server that
// imports it, free of the ingest pipeline and its MRT and IRR readers:
// re-scoring rests on package score alone.
func TestDeps_noReaders(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/observatory-net/observatory/internal/rescore").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range []string{"mrt", "irr", "ingest", "dataset", "metric"} {
			if dep == "github.com/observatory-net/observatory/internal/"+bad {
				t.Errorf("rescore depends on internal/%s", bad)
			}
		}
	}
}
