// Package dataset finds and loads the observatory's inputs: it walks a
// data directory to any depth, recognises each file by its content (never
// by its name or extension), and loads every kind with its reader into one
// Set of immutable reference data, while MRT files are only listed for
// streaming. Unrecognised files are reported, not fatal.
package dataset

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/observatory-net/observatory/internal/asnames"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/peeringdb"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/spoofer"
)

// Kind is what a file holds.
type Kind string

// The kinds of input the observatory reads.
const (
	KindMRT       Kind = "mrt"        // RFC 6396 RIB or update dump
	KindVRP       Kind = "vrp"        // RPKI VRPs (and ASPA)
	KindIRR       Kind = "irr"        // RPSL objects
	KindASRel     Kind = "as-rel"     // CAIDA AS relationships
	KindDelegated Kind = "delegated"  // RIR delegated(-extended) statistics
	KindIANAv4    Kind = "iana-ipv4"  // IANA IPv4 address space registry
	KindBogons    Kind = "bogon-list" // list of bogon prefixes (Team Cymru)
	KindPeeringDB Kind = "peeringdb"  // PeeringDB API page or dump
	KindSpoofer   Kind = "spoofer"    // CAIDA Spoofer results CSV
	KindASNames   Kind = "asnames"    // AS names and countries (autnums lists)
	KindUnknown   Kind = "unknown"
)

// lenientVRPs skips bad VRP rows: published sets contain some (a 2020
// global set has negative origins); they are counted and reported.
var lenientVRPs = rpki.Loader{SkipInvalid: true}

// headSize is how much decompressed content Sniff looks at.
const headSize = 64 << 10

var (
	reDelegated = regexp.MustCompile(`(?m)^[0-9.]+\|(afrinic|apnic|arin|lacnic|ripencc|iana|nro)\|`)
	reASRel     = regexp.MustCompile(`^[0-9]+\|[0-9]+\|-?[0-9]+(\|[a-z_]+)?$`)
	reRPSL      = regexp.MustCompile(`(?m)^(route|route6|aut-num|as-set|mntner):`)
	rePrefix    = regexp.MustCompile(`^[0-9a-fA-F:.]+/[0-9]+$`)
)

// Sniff recognises a file from the first bytes of its decompressed
// content. Text kinds are confirmed by parsing the head with their reader.
func Sniff(ctx context.Context, head []byte) Kind {
	if looksMRT(head) {
		return KindMRT
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return sniffJSON(head)
	}
	text := completeLines(head)
	switch {
	case reDelegated.Match(firstLines(text, 40)):
		return KindDelegated
	case bytes.Contains(firstLines(text, 20), []byte("IANA IPv4 Address Space Registry")):
		return KindIANAv4
	case allDataLines(text, reASRel.MatchString):
		return KindASRel
	case reRPSL.Match(text) && parses(func() error { return rpslHead(ctx, text) }):
		return KindIRR
	case allDataLines(text, rePrefix.MatchString):
		return KindBogons
	case asnames.Sniff(text):
		return KindASNames
	case parses(func() error { _, err := lenientVRPs.Read(ctx, bytes.NewReader(text), "head"); return err }):
		return KindVRP
	case parses(func() error { _, err := spoofer.Load(ctx, bytes.NewReader(text), "head"); return err }):
		return KindSpoofer
	}
	return KindUnknown
}

// looksMRT checks the first MRT common header: a known type, a sane
// length and a timestamp after 1995.
func looksMRT(b []byte) bool {
	if len(b) < 12 {
		return false
	}
	ts, typ, length := binary.BigEndian.Uint32(b), binary.BigEndian.Uint16(b[4:]), binary.BigEndian.Uint32(b[8:])
	switch typ {
	case 5, 12, 13, 16, 17:
	default:
		return false
	}
	return ts > 788918400 && length < 16<<20
}

func sniffJSON(head []byte) Kind {
	if bytes.Contains(head, []byte(`"roas"`)) {
		return KindVRP
	}
	if asnames.Sniff(head) {
		return KindASNames
	}
	if first, ok := firstPeeringDBObject(head); ok {
		if tag, err := peeringdb.SniffTag(first); err == nil && tag != "" {
			return KindPeeringDB
		}
	}
	return KindUnknown
}

// firstPeeringDBObject returns the first object of an API page
// ({"data":[{…}, …]}) or of the first table of a full dump
// ({"net":{"data":[{…}]}, …}). The head may end anywhere after it.
func firstPeeringDBObject(head []byte) (json.RawMessage, bool) {
	dec := json.NewDecoder(bytes.NewReader(head))
	if !expectDelim(dec, '{') {
		return nil, false
	}
	key, err := dec.Token()
	if err != nil {
		return nil, false
	}
	if key != "data" { // a dump: table name, then {"data": [
		if !expectDelim(dec, '{') {
			return nil, false
		}
		if k, err := dec.Token(); err != nil || k != "data" {
			return nil, false
		}
	}
	if !expectDelim(dec, '[') || !dec.More() {
		return nil, false
	}
	var first json.RawMessage
	if err := dec.Decode(&first); err != nil {
		return nil, false
	}
	return first, true
}

func expectDelim(dec *json.Decoder, d json.Delim) bool {
	t, err := dec.Token()
	return err == nil && t == d
}

func rpslHead(ctx context.Context, text []byte) error {
	var b irr.Builder
	st, err := b.Load(ctx, bytes.NewReader(text), irr.Options{File: "head"})
	if err == nil && st.Routes+st.Routes6+st.AutNums+st.ASSets+st.Mntners == 0 {
		return io.EOF
	}
	return err
}

func parses(f func() error) bool { return f() == nil }

// completeLines cuts a head at its last newline, so that a trial parse
// never sees a line cut in the middle.
func completeLines(b []byte) []byte {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

func firstLines(b []byte, n int) []byte {
	for i, c := range b {
		if c == '\n' {
			if n--; n == 0 {
				return b[:i+1]
			}
		}
	}
	return b
}

// allDataLines reports whether there is at least one data line and every
// line that is not blank or a "#" comment satisfies ok.
func allDataLines(b []byte, ok func(string) bool) bool {
	n := 0
	for line := range strings.SplitSeq(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if !ok(line) {
			return false
		}
		n++
	}
	return n > 0
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
