package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// maxEvidence bounds the evidence rows shown per incident: a busy
// incident merges hundreds of events; the CSV and the API have them all.
const maxEvidence = 20

// evidence is an incident's evidence as the page shows it: a table, one
// row per merged event, the rule once when every event has the same.
type evidence struct {
	Rule string     // the rule every event shares; "" when they differ
	Cols []string   // keys, leading with prefix, path, start and end
	Rows [][]evCell // at most maxEvidence
	All  int        // events in all
	More int        // rows left out
}

// evCell is one value; an AS path is a list of hops.
type evCell struct {
	Text string
	Path []pathHop
}

// pathHop is one AS of a path; Culprit marks the AS the event charges.
type pathHop struct {
	ASN     string
	Culprit bool
}

// leadCols come first, in this order, when present.
var leadCols = []string{"prefix", "path", "start", "end"}

// culpritKeys name the AS an event charges, first found wins.
var culpritKeys = []string{"leaker", "origin", "customer"}

// evidenceItems decodes an incident's evidence, an object or a list of
// them; an item that is not an object is kept as its text.
func evidenceItems(ev json.RawMessage) []map[string]any {
	if len(ev) == 0 || !json.Valid(ev) {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(ev, &list) != nil {
		list = []json.RawMessage{ev}
	}
	out := make([]map[string]any, 0, len(list))
	for _, item := range list {
		var v map[string]any
		if json.Unmarshal(item, &v) != nil {
			v = map[string]any{"value": string(item)}
		}
		out = append(out, v)
	}
	return out
}

// evidenceColumns are the keys of items: leadCols first, then the others
// in key order; "rule" is left out when shared (rule is then set).
func evidenceColumns(items []map[string]any) (cols []string, rule string) {
	seen := map[string]bool{}
	for _, it := range items {
		for k := range it {
			seen[k] = true
		}
	}
	rule, shared := "", len(items) > 0
	for i, it := range items {
		r, _ := it["rule"].(string)
		if i == 0 {
			rule = r
		}
		if r != rule || r == "" {
			shared = false
		}
	}
	if shared {
		delete(seen, "rule")
	} else {
		rule = ""
	}
	for _, k := range leadCols {
		if seen[k] {
			cols = append(cols, k)
			delete(seen, k)
		}
	}
	rest := make([]string, 0, len(seen))
	for k := range seen {
		rest = append(rest, k)
	}
	slices.Sort(rest)
	return append(cols, rest...), rule
}

// evidenceOf renders an incident's evidence; asn is the page's ASN, the
// culprit of a path when an event names none.
func evidenceOf(ev json.RawMessage, asn uint32) evidence {
	items := evidenceItems(ev)
	out := evidence{All: len(items)}
	out.Cols, out.Rule = evidenceColumns(items)
	for i, it := range items {
		if i == maxEvidence {
			out.More = len(items) - maxEvidence
			break
		}
		culprit := strconv.FormatUint(uint64(asn), 10)
		for _, k := range culpritKeys {
			if v := evText(it[k]); v != "" {
				culprit = strings.TrimPrefix(strings.ToUpper(v), "AS")
				break
			}
		}
		row := make([]evCell, len(out.Cols))
		for j, k := range out.Cols {
			v, ok := it[k]
			if !ok {
				continue
			}
			text := evText(v)
			if k == "path" {
				for _, h := range strings.Fields(text) {
					row[j].Path = append(row[j].Path, pathHop{ASN: h, Culprit: h == culprit})
				}
				continue
			}
			row[j].Text = truncate(text, 200)
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// evText is a JSON value as text: a string as it is, a list of
// strings joined by spaces, anything else as JSON.
func evText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				b, _ := json.Marshal(x)
				return string(b)
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// writeEvidenceCSV writes every event of an incident's evidence as CSV,
// the rule in its own column.
func writeEvidenceCSV(w io.Writer, ev json.RawMessage) error {
	items := evidenceItems(ev)
	cols, rule := evidenceColumns(items)
	if rule != "" {
		cols = append(cols, "rule")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return fmt.Errorf("write evidence header: %w", err)
	}
	for i, it := range items {
		rec := make([]string, len(cols))
		for j, k := range cols {
			rec[j] = csvSafe(evText(it[k]))
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write evidence row %d: %w", i+1, err)
		}
	}
	cw.Flush()
	return cw.Error()
}
