package layering

import (
	"bufio"
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/observatory-net/observatory"

// root is the repository's root directory.
func root(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// layers reads the "Layers" table of docs/architecture.md: package path
// (relative to the module) → layer number. A row is
// "| N | name | `pkg`, `pkg` … |".
func layers(t *testing.T, doc string) map[string]int {
	f, err := os.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]int{}
	in := false
	row := regexp.MustCompile(`^\|\s*(\d+)\s*\|[^|]*\|([^|]*)\|`)
	pkg := regexp.MustCompile("`([^`]+)`")
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = strings.TrimSpace(line[3:]) == "Layers"
			continue
		}
		m := row.FindStringSubmatch(line)
		if !in || m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		for _, p := range pkg.FindAllStringSubmatch(m[2], -1) {
			if prev, dup := out[p[1]]; dup {
				t.Errorf("%s: package %s in layers %d and %d", doc, p[1], prev, n)
			}
			out[p[1]] = n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no Layers table", doc)
	}
	return out
}

// imports lists every package of the repository with the repository
// packages its non-test files import, as the go tool would build them.
func imports(t *testing.T, dir string) map[string][]string {
	out := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if n := d.Name(); path != dir && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, 0)
		if err != nil {
			var noGo *build.NoGoError
			if errors.As(err, &noGo) {
				return nil
			}
			return fmt.Errorf("%s: %w", path, err)
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		var own []string
		for _, imp := range p.Imports {
			if r, ok := strings.CutPrefix(imp, module+"/"); ok {
				own = append(own, r)
			}
		}
		out[rel] = own
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// closure returns every repository package p depends on, p aside.
func closure(p string, g map[string][]string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(q string) {
		for _, d := range g[q] {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(p)
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// TestLayering: every package is placed in a layer of
// docs/architecture.md, and imports only packages of its own layer or
// below; the rules the page states beside the table hold.
func TestLayering(t *testing.T) {
	dir := root(t)
	layer := layers(t, filepath.Join(dir, "docs", "architecture.md"))
	for _, v := range violations(layer, imports(t, dir)) {
		t.Error(v)
	}
}

// TestLayering_BackEdge: the check finds a deliberate back-edge and a
// server that links a reader, added to the real graph.
func TestLayering_BackEdge(t *testing.T) {
	dir := root(t)
	layer := layers(t, filepath.Join(dir, "docs", "architecture.md"))
	g := imports(t, dir)
	g["internal/bgp"] = append(g["internal/bgp"], "internal/score")
	g["internal/spec"] = append(g["internal/spec"], "internal/mrt")
	g["api/wire"] = append(g["api/wire"], "internal/textline")
	g["internal/bogon"] = append(g["internal/bogon"], "internal/store/sqlite")
	want := []string{
		"back-edge: internal/bgp (layer 3) imports internal/score (layer 5)",
		"internal/httpapi depends on internal/mrt",
		"client SDK client depends on internal/textline",
		"internal/bogon imports internal/store/sqlite",
	}
	got := strings.Join(violations(layer, g), "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("no violation %q in:\n%s", w, got)
		}
	}
}

// violations lists every import that breaks the layers or the rules.
func violations(layer map[string]int, g map[string][]string) []string {
	var out []string
	for _, p := range sorted(g) {
		l, ok := layer[p]
		if !ok {
			out = append(out, fmt.Sprintf("package %s is in no layer of docs/architecture.md: place it there", p))
			continue
		}
		for _, d := range g[p] {
			if ld, ok := layer[d]; ok && ld > l {
				out = append(out, fmt.Sprintf("back-edge: %s (layer %d) imports %s (layer %d)", p, l, d, ld))
			}
		}
	}
	for _, p := range sorted(layerSet(layer)) {
		if _, ok := g[p]; !ok {
			out = append(out, fmt.Sprintf("docs/architecture.md places %s, which is no package", p))
		}
	}
	return append(out, rules(g)...)
}

func layerSet(layer map[string]int) map[string][]string {
	out := make(map[string][]string, len(layer))
	for p := range layer {
		out[p] = nil
	}
	return out
}

// readers are what the serving layer must not link, even indirectly.
var readers = []string{"internal/mrt", "internal/irr", "internal/rpki", "internal/bgpdump", "internal/dataset", "internal/ingest"}

// rules are the rules of docs/architecture.md that a layer number
// cannot say.
func rules(g map[string][]string) []string {
	var out []string
	// The serving layer reads through the store: it links no reader of
	// routing data, and no pipeline.
	for _, p := range []string{"internal/httpapi", "internal/web", "internal/view"} {
		if _, ok := g[p]; !ok {
			continue
		}
		for _, d := range closure(p, g) {
			if slices.Contains(readers, d) {
				out = append(out, fmt.Sprintf("%s depends on %s: the serving layer must not link the readers or the pipeline", p, d))
			}
		}
	}
	for _, p := range sorted(g) {
		for _, d := range g[p] {
			// Only the command chooses a store.
			if (d == "internal/store/sqlite" || d == "internal/store/postgres") && p != "cmd/observatory" {
				out = append(out, fmt.Sprintf("%s imports %s: only cmd/observatory chooses a store", p, d))
			}
		}
	}
	// The public SDK links nothing internal but the vocabulary (through
	// api/wire).
	for _, p := range sorted(g) {
		if p != "client" && !strings.HasPrefix(p, "client/") {
			continue
		}
		for _, d := range closure(p, g) {
			if strings.HasPrefix(d, "internal/") && d != "internal/vocab" {
				out = append(out, fmt.Sprintf("client SDK %s depends on %s: the SDK is public and links nothing internal but internal/vocab", p, d))
			}
		}
	}
	return out
}

func sorted(g map[string][]string) []string {
	out := make([]string, 0, len(g))
	for p := range g {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
