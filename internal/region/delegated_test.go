package region

import (
	"bufio"
	"cmp"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// delegatedCounts counts, per country code, the records of the delegated
// statistics files under dir by registry column.
func delegatedCounts(t *testing.T, dir string) map[string]map[string]int {
	t.Helper()
	counts := map[string]map[string]int{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return countFile(path, counts)
	})
	if err != nil {
		t.Fatalf("reading delegated files: %v", err)
	}
	if len(counts) == 0 {
		t.Fatalf("no delegated records under %s", dir)
	}
	return counts
}

// countFile adds the records of one file to counts. It reads only the
// registry and cc columns of registry|cc|type|start|value|date|status rows,
// skipping comments, the version header and the summary lines (their type
// column is not asn, ipv4 or ipv6), and rows without a cc (LACNIC's
// available and reserved space).
func countFile(path string, counts map[string]map[string]int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "|")
		if len(fields) < 7 || strings.HasPrefix(fields[0], "#") || fields[1] == "" {
			continue
		}
		switch fields[2] {
		case "asn", "ipv4", "ipv6":
		default:
			continue
		}
		cc := strings.ToUpper(fields[1])
		if counts[cc] == nil {
			counts[cc] = map[string]int{}
		}
		counts[cc][fields[0]]++
	}
	return sc.Err()
}

// dominantRIR returns the RIR with the most records among byRegistry,
// ignoring registries that are not RIRs (iana); ties go to the first RIR in
// RIRs order.
func dominantRIR(byRegistry map[string]int) (string, bool) {
	best, bestN := "", 0
	for _, reg := range slices.Sorted(maps.Keys(byRegistry)) {
		r, ok := ParseRIR(reg)
		if ok && byRegistry[reg] > bestN {
			best, bestN = r, byRegistry[reg]
		}
	}
	return best, bestN > 0
}

// TestAll_delegatedFiles checks the table against the real RIR statistics
// files: every country code there must be known, and the RIR that recorded
// most of a code's resources should be the RIR the table names. Legacy
// allocations, inter-RIR transfers and files of different years make a few
// codes differ legitimately; more than 5 % would mean a wrong table.
func TestAll_delegatedFiles(t *testing.T) {
	dir := filepath.Join(testenv.SharedData(t), "rir-delegated")
	counts := delegatedCounts(t, dir)
	codes := slices.Sorted(maps.Keys(counts))

	var unknown, compared, differ, mixed []string
	for _, cc := range codes {
		e, ok := Lookup(cc)
		if !ok {
			unknown = append(unknown, cc)
			continue
		}
		got, ok := dominantRIR(counts[cc])
		if !ok || e.RIR == "" { // only IANA rows, or ZZ
			continue
		}
		compared = append(compared, cc)
		if got != e.RIR {
			differ = append(differ, cc+" ("+e.RIR+" in table, "+got+" in files "+formatCounts(counts[cc])+")")
		}
		if len(counts[cc]) > 1 {
			mixed = append(mixed, cc)
		}
	}
	if len(unknown) > 0 {
		t.Errorf("country codes of the delegated files unknown to Lookup: %q", unknown)
	}
	t.Logf("%d country codes in the delegated files, %d compared by RIR; %d recorded by more than one registry",
		len(codes), len(compared), len(mixed))
	t.Logf("%d codes whose dominant registry differs from the table: %q", len(differ), differ)
	if len(compared) == 0 || len(differ)*100 > len(compared)*5 {
		t.Errorf("%d of %d codes disagree with the table (more than 5%%)", len(differ), len(compared))
	}
}

// formatCounts renders per-registry counts as "arin:8 ripencc:1", largest
// first.
func formatCounts(byRegistry map[string]int) string {
	regs := slices.SortedFunc(maps.Keys(byRegistry), func(a, b string) int {
		return cmp.Or(cmp.Compare(byRegistry[b], byRegistry[a]), cmp.Compare(a, b))
	})
	var b strings.Builder
	for i, r := range regs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(r + ":")
		b.WriteString(strconv.Itoa(byRegistry[r]))
	}
	return b.String()
}
