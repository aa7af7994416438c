package eventfeed

import (
	"strconv"
	"strings"
	"time"
)

// CSVHeader names the columns of CSVRow.
var CSVHeader = []string{"id", "type", "culprit", "prefixes", "asns", "start", "end", "duration_s", "peers", "confidence", "level", "rule"}

// CSVRow is the event as one row of CSVHeader's columns; lists are
// space-separated.
func (e *Event) CSVRow() []string {
	ps := make([]string, len(e.Prefixes))
	for i, p := range e.Prefixes {
		ps[i] = p.String()
	}
	as := make([]string, len(e.ASNs))
	for i, a := range e.ASNs {
		as[i] = "AS" + strconv.FormatUint(uint64(a), 10)
	}
	return []string{e.ID, string(e.Type), "AS" + strconv.FormatUint(uint64(e.Culprit), 10), strings.Join(ps, " "), strings.Join(as, " "),
		e.Start.Format(time.RFC3339), e.End.Format(time.RFC3339), strconv.FormatFloat(e.Duration().Seconds(), 'f', -1, 64),
		strconv.Itoa(e.Peers), strconv.FormatFloat(e.Confidence.Value, 'f', 2, 64), e.Confidence.Level, e.Rule}
}

// PathCSVHeader names the columns of PathRows.
var PathCSVHeader = []string{"event", "prefix", "path", "culprit_hop", "culprit"}

// PathRows are the event's evidence paths, one row each of PathCSVHeader.
func (e *Event) PathRows() [][]string {
	out := make([][]string, 0, len(e.Paths))
	for _, p := range e.Paths {
		out = append(out, []string{e.ID, p.Prefix.String(), strings.Join(p.Hops, " "), strconv.Itoa(p.Culprit),
			"AS" + strconv.FormatUint(uint64(e.Culprit), 10)})
	}
	return out
}
