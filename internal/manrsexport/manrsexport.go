// Package manrsexport reads and names the columns of the MANRS
// Observatory's per-ASN CSV export (shared/data/manrs/MANRS_Details_*.csv):
// one row per ASN with its holder, its country, UN region and sub-region,
// its RIR and its five scores.
package manrsexport

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Columns are the export's columns, in its order.
var Columns = []string{"ASN", "Holder", "Country", "UN Regions", "UN Sub-Regions", "RIR Regions",
	"Filtering", "Anti-spoofing", "Coordination", "Global Validation IRR", "Global Validation RPKI"}

// Scores are the score ids behind the last five columns, in their order,
// which is vocab.Scores'.
var Scores = vocab.Strings(vocab.Scores)

// Record is one ASN of an export: its grouping columns and its five
// scores (nil where the export has no data).
type Record struct {
	ASN    uint32
	Groups [4]string // Country, UN Regions, UN Sub-Regions, RIR Regions
	Scores [5]*float64
}

// ReadFile reads the export at path. Errors name the file, the record and
// its byte offset.
func ReadFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads an export from r; name is the file named in errors, which
// also give the record (1 is the header) and its byte offset. A header
// other than Columns (a UTF-8 byte-order mark aside), a record of another
// width, an ASN that is not a number, a score outside [0, 1] or an ASN
// listed twice is an error.
func Read(r io.Reader, name string) ([]Record, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: record 1 (byte 0): header: %w", name, err)
	}
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	if !slices.Equal(head, Columns) {
		return nil, fmt.Errorf("%s: record 1 (byte 0): not a MANRS Observatory export: header %q, expected %q", name, head, Columns)
	}
	var out []Record
	seen := map[uint32]bool{}
	for n := 2; ; n++ {
		off := cr.InputOffset()
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: record %d (byte %d): %w", name, n, off, err)
		}
		e, err := parse(rec)
		if err == nil && seen[e.ASN] {
			err = fmt.Errorf("ASN %d listed twice", e.ASN)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: record %d (byte %d): %w", name, n, off, err)
		}
		seen[e.ASN] = true
		out = append(out, e)
	}
}

// parse reads one record of len(Columns) fields (the csv reader holds
// every record to the header's width).
func parse(rec []string) (Record, error) {
	var e Record
	a, err := bgp.ParseASN(rec[0])
	if err != nil {
		return e, fmt.Errorf("ASN %q: not a number", rec[0])
	}
	e.ASN = uint32(a)
	copy(e.Groups[:], rec[2:6])
	for i, s := range rec[6:] {
		if s == "" {
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || v > 1 || math.IsNaN(v) {
			return e, fmt.Errorf("column %q: %q is not a score between 0 and 1", Columns[6+i], s)
		}
		e.Scores[i] = &v
	}
	return e, nil
}
