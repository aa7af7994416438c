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
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/observatory-net/observatory/internal/asnames"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/jsonstream"
	"github.com/observatory-net/observatory/internal/peeringdb"
	"github.com/observatory-net/observatory/internal/rdap"
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
	KindSpoofer   Kind = "spoofer"    // CAIDA Spoofer results: data API JSON or CSV
	KindASNames   Kind = "asnames"    // AS names and countries (autnums lists)
	KindRDAP      Kind = "rdap"       // RDAP autnum answers (RFC 9083), one ASN a file
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
	reRPSL      = regexp.MustCompile(`(?m)^(route|route6|aut-num|as-set|mntner|person|role):`)
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
		return sniffJSON(ctx, trimmed)
	}
	if i := bytes.IndexByte(trimmed[:min(len(trimmed), garbageBefore)], '{'); i > 0 && isPeeringDB(trimmed[i:]) {
		// A damaged page: garbage before the document, which the reader
		// reports and steps over.
		return KindPeeringDB
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
	case parses(func() error { _, err := spoofer.Load(ctx, bytes.NewReader(text), "head", nil); return err }):
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

// sniffJSON recognises a JSON file: an object naming "roas" is VRPs,
// Spoofer data API pages or sessions are Spoofer results, a bare array of
// VRPs is VRPs, then AS names and PeeringDB pages are tried.
func sniffJSON(ctx context.Context, head []byte) Kind {
	if bytes.Contains(head, []byte(`"roas"`)) {
		return KindVRP
	}
	if spoofer.SniffJSON(head) {
		return KindSpoofer
	}
	if head[0] == '[' && vrpArray(ctx, head) {
		return KindVRP
	}
	if asnames.Sniff(head) {
		return KindASNames
	}
	if isPeeringDB(head) {
		return KindPeeringDB
	}
	if rdap.Sniff(head) {
		return KindRDAP
	}
	return KindUnknown
}

// garbageBefore is how far into a file Sniff looks for the start of a
// PeeringDB page that garbage precedes.
const garbageBefore = 4 << 10

// sniffObjects is how many objects of a page isPeeringDB tries: the first
// may be damaged.
const sniffObjects = 8

// isPeeringDB reports whether head starts an API page ({"data":[{…}, …]})
// or a full dump ({"net":{"data":[{…}]}, …}) one of whose first objects
// has the keys of a PeeringDB type. The head may end anywhere after it.
func isPeeringDB(head []byte) bool {
	sc := jsonstream.NewScanner(bytes.NewReader(head), 0, len(head))
	if sc.Expect('{') != nil {
		return false
	}
	key, err := sc.Key()
	if err != nil {
		return false
	}
	if key != "data" { // a dump: table name, then {"data": [
		if sc.Expect('{') != nil {
			return false
		}
		if k, err := sc.Key(); err != nil || k != "data" {
			return false
		}
	}
	if sc.Expect('[') != nil {
		return false
	}
	for range sniffObjects {
		raw, err := sc.Value(',', ']')
		if tag, serr := peeringdb.SniffTag(raw); serr == nil && tag != "" {
			return true
		}
		if c, perr := sc.Peek(); err != nil || perr != nil || c != ',' {
			return false
		}
		sc.Consume()
	}
	return false
}

// vrpArray reports whether head starts a bare JSON array of VRPs: the
// elements it holds whole decode as VRPs, all but a few damaged ones (one
// in ten), the element the head cuts in the middle aside.
func vrpArray(ctx context.Context, head []byte) bool {
	d, err := rpki.Loader{Damaged: &inputerr.Log{}}.Read(ctx, bytes.NewReader(head), "head")
	return err == nil && len(d.VRPs) > 0 && (d.Skipped-1)*10 <= len(d.VRPs)
}

func rpslHead(ctx context.Context, text []byte) error {
	var b irr.Builder
	st, err := b.Load(ctx, bytes.NewReader(text), irr.Options{File: "head"})
	if err == nil && st.Routes+st.Routes6+st.AutNums+st.ASSets+st.Mntners+st.Contacts == 0 {
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

// allDataLines reports whether the data lines (not blank, not a "#"
// comment) satisfy ok: at least one, and all of them but a few damaged
// ones (one in ten).
func allDataLines(b []byte, ok func(string) bool) bool {
	good, bad := 0, 0
	for line := range strings.SplitSeq(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if ok(line) {
			good++
		} else {
			bad++
		}
	}
	return good > 0 && bad*10 <= good
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
