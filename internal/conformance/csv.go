package conformance

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/vocab"
)

// CSVHeader is the first line of WriteCSV.
var CSVHeader = []string{"Month", "Spec", "Organisation", "Participant ID", "Programme", "ASN", "Action", "Score",
	"Kind", "Since", "Months", "New", "History", "Evidence"}

// WriteCSV writes the flags as CSV, one flag a line, as the CLI and the
// dashboard give them: History is "YYYY-MM:state" a month, oldest first;
// Evidence "YYYY-MM:value" for each month of the run (empty without data).
func WriteCSV(w io.Writer, r *wire.ConformanceFlags) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVHeader) //nolint:errcheck // checked by Flush
	month := vocab.MonthOf(r.Month).String()
	for _, f := range r.Items {
		id := ""
		if f.ParticipantID != 0 {
			id = strconv.FormatInt(f.ParticipantID, 10)
		}
		var hist, ev []string
		for _, p := range f.History {
			hist = append(hist, vocab.MonthOf(p.Month).String()+":"+p.State)
		}
		for _, e := range f.Evidence {
			ev = append(ev, vocab.MonthOf(e.Month).String()+":"+FormatValue(e.Value))
		}
		cw.Write([]string{month, r.Spec, csvSafe(f.Organisation), id, csvSafe(f.Programme), f.ASN.String(), //nolint:errcheck // checked by Flush
			strconv.Itoa(f.Action), string(f.Score), f.Kind, vocab.MonthOf(f.Since).String(), strconv.Itoa(f.Months),
			strconv.FormatBool(f.New), strings.Join(hist, " "), strings.Join(ev, " ")})
	}
	cw.Flush()
	return cw.Error()
}

// FormatValue is a score as a fraction with two decimals, empty for none.
func FormatValue(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

// csvSafe defuses a cell a spreadsheet would read as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
