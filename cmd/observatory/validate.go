package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/netip"
	"strconv"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
)

func init() { register(newValidateCmd) }

// route is one announcement to validate: a prefix and its origin AS.
type route struct {
	Prefix netip.Prefix
	Origin bgp.ASN
}

// routeSource yields the routes to validate. An error ends the run: an
// *inputerr.Error is bad input (exit status 2), anything else a failure.
// Sources other than text lines (an MRT dump, a BMP feed) plug in here.
type routeSource = iter.Seq2[route, error]

// validateOptions are the flags of the validate command.
type validateOptions struct {
	vrps        string
	mrt         string
	format      string
	skipInvalid bool
}

func newValidateCmd() *cobra.Command {
	var o validateOptions
	cmd := &cobra.Command{
		Use:   "validate --vrps FILE [--mrt FILE] [--format text|json]",
		Short: "Validate route origins against RPKI VRPs (RFC 6811)",
		Long: `Validate reads routes from standard input, one "PREFIX ASN" per line (ASN as
123 or AS123; blank lines and lines starting with # are skipped), and prints
each route with its RFC 6811 origin validation state against the VRPs of
--vrps: valid, invalid-asn, invalid-length or not-found.

With --mrt, the routes are instead the RIB entries and announcements of an
MRT file (RFC 6396), compressed or not; each distinct prefix and origin is
printed once, in order of first appearance. A route whose
AS_PATH ends in an AS_SET has no single origin and is printed with ASN 0,
which matches no VRP (RFC 6811 §2, RFC 7607). Undecodable MRT records are
reported on standard error and skipped.

--vrps takes rpki-client, Routinator or Cloudflare JSON ({"roas":[…]}), a
bare JSON array of VRPs ([{"prefix":…,"maxLength":24,"asn":"13335"}], the ASN
a number or a string, "ta" optional, maxLength absent meaning the prefix
length), or VRP CSV (ASN,IP Prefix,Max Length[,Trust Anchor]), plain or
compressed with gzip, bzip2 or zstd; the format is recognised from the
content, and a file of none of them is refused saying what it starts with.

--skip-invalid skips damaged VRP records (lines, array elements) as ingest
does: counted, the first few named with file, record and byte offset on
standard error; a file of which no VRP can be read still fails.

Text output is "PREFIX ASN STATE", the ASN as a plain number. JSON output is
one object per line: {"prefix":…,"asn":…,"state":…,"vrps":[…]}, where vrps
lists every VRP covering the route (the evidence for the state), most
specific prefix first.

Bad input, in the VRP file or on standard input, exits with status 2 and
names the file, line and byte offset.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runValidate(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.vrps, "vrps", "", "VRP file: rpki-client/Routinator/Cloudflare JSON, a bare JSON array of VRPs, or CSV, optionally compressed")
	f.StringVar(&o.mrt, "mrt", "", "read routes from this MRT file instead of standard input")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.BoolVar(&o.skipInvalid, "skip-invalid", false, "skip damaged VRP records (count and first locations on stderr, as ingest does) instead of failing")
	_ = cmd.MarkFlagRequired("vrps")
	return cmd
}

// runValidate wires the VRP loader, the route source and the writer.
func runValidate(cmd *cobra.Command, o validateOptions) error {
	var write func(*bufio.Writer, *rpki.Snapshot, route, rov.State) error
	switch o.format {
	case "text":
		write = writeText
	case "json":
		write = writeJSON
	default:
		return usageError(fmt.Errorf("--format: want text or json, not %q", o.format))
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	snap, err := loadSnapshot(ctx, o, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	src := lineRoutes(cmd.InOrStdin(), "<stdin>")
	if o.mrt != "" {
		src = mrtRoutes(o.mrt, cmd.ErrOrStderr())
	}
	return validateRoutes(cmd.OutOrStdout(), snap, src, write)
}

// loadSnapshot loads and indexes the VRP file. Unreadable or bad files are
// usage errors (status 2). With --skip-invalid, damaged records (lines,
// array elements) go through the lenient inputerr.Log as in ingest: they
// are skipped, counted and the first few located on stderr; a file of
// which no VRP could be read is still an error.
func loadSnapshot(ctx context.Context, o validateOptions, stderr io.Writer) (*rpki.Snapshot, error) {
	var l rpki.Loader
	damaged := &inputerr.Log{}
	if o.skipInvalid {
		l.Damaged = damaged
	}
	d, err := l.Load(ctx, o.vrps)
	if err != nil {
		return nil, usageError(fmt.Errorf("load VRPs: %w", err))
	}
	for _, line := range damaged.Lines() {
		fmt.Fprintln(stderr, "observatory: skipped:", line)
	}
	if len(d.VRPs) == 0 && d.Skipped > 0 {
		return nil, usageError(fmt.Errorf("load VRPs: %s: no VRP read, %d damaged records skipped", o.vrps, d.Skipped))
	}
	s, err := d.Snapshot()
	if err != nil {
		return nil, usageError(fmt.Errorf("index VRPs: %w", err))
	}
	return s, nil
}

// validateRoutes validates every route of src against s and writes one
// result per route through a buffered writer.
func validateRoutes(w io.Writer, s *rpki.Snapshot, src routeSource, write func(*bufio.Writer, *rpki.Snapshot, route, rov.State) error) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	for r, err := range src {
		if err != nil {
			var ie *inputerr.Error
			var ee *exitError
			if errors.As(err, &ie) && !errors.As(err, &ee) {
				err = usageError(err)
			}
			bw.Flush()
			return err
		}
		if err := write(bw, s, r, rov.Validate(s, r.Prefix, r.Origin)); err != nil {
			return fmt.Errorf("write result: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

// writeText writes "PREFIX ASN STATE".
func writeText(bw *bufio.Writer, _ *rpki.Snapshot, r route, st rov.State) error {
	b := bw.AvailableBuffer()
	b = r.Prefix.AppendTo(b)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(r.Origin), 10)
	b = append(b, ' ')
	b = append(b, st.String()...)
	b = append(b, '\n')
	_, err := bw.Write(b)
	return err
}

// writeJSON writes one JSON object with the covering VRPs as evidence.
func writeJSON(bw *bufio.Writer, s *rpki.Snapshot, r route, st rov.State) error {
	b := bw.AvailableBuffer()
	b = append(b, `{"prefix":"`...)
	b = r.Prefix.AppendTo(b)
	b = append(b, `","asn":`...)
	b = strconv.AppendUint(b, uint64(r.Origin), 10)
	b = append(b, `,"state":"`...)
	b = append(b, st.String()...)
	b = append(b, `","vrps":[`...)
	first := true
	for v := range s.CoveringVRPs(r.Prefix) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `{"prefix":"`...)
		b = v.Prefix.AppendTo(b)
		b = append(b, `","maxLength":`...)
		b = strconv.AppendUint(b, uint64(v.MaxLen), 10)
		b = append(b, `,"asn":`...)
		b = strconv.AppendUint(b, uint64(v.ASN), 10)
		b = append(b, `,"ta":`...)
		b = appendJSONString(b, v.TA)
		b = append(b, '}')
	}
	b = append(b, "]}\n"...)
	_, err := bw.Write(b)
	return err
}

// appendJSONString appends s as a JSON string (RFC 8259 §7), replacing
// invalid UTF-8 with U+FFFD as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// lineRoutes reads "PREFIX ASN" lines. Errors are *inputerr.Error values
// naming the line and its byte offset; reading stops at the first.
func lineRoutes(r io.Reader, name string) routeSource {
	return func(yield func(route, error) bool) {
		br := bufio.NewReaderSize(r, 1<<16)
		var off, n int64
		for {
			line, err := br.ReadSlice('\n')
			start := off
			off += int64(len(line))
			if len(line) > 0 {
				n++
			}
			switch {
			case errors.Is(err, bufio.ErrBufferFull):
				yield(route{}, inputerr.Errorf(name, n, start, "line too long"))
				return
			case err != nil && err != io.EOF:
				yield(route{}, fmt.Errorf("read %s: %w", name, err))
				return
			}
			if rt, ok, perr := parseRouteLine(line); perr != nil {
				yield(route{}, inputerr.New(name, n, start, perr))
				return
			} else if ok && !yield(rt, nil) {
				return
			}
			if err == io.EOF {
				return
			}
		}
	}
}

// parseRouteLine parses "PREFIX ASN"; ok is false for blank and comment
// lines. Prefixes with host bits set are refused rather than masked: they
// are not what a router announces, so the input is probably not routes.
func parseRouteLine(line []byte) (r route, ok bool, err error) {
	var fields [3][]byte
	n := 0
	for rest := line; n < len(fields); n++ {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) == 0 {
			break
		}
		end := bytes.IndexAny(rest, " \t\r\n")
		if end < 0 {
			end = len(rest)
		}
		fields[n], rest = rest[:end], rest[end:]
	}
	if n == 0 || fields[0][0] == '#' {
		return route{}, false, nil
	}
	if n != 2 {
		return route{}, false, fmt.Errorf("want \"PREFIX ASN\", found %s fields", fieldCount(n))
	}
	p, err := netip.ParsePrefix(string(fields[0]))
	if err != nil {
		return route{}, false, fmt.Errorf("bad prefix: %w", err)
	}
	if p.Masked() != p {
		return route{}, false, fmt.Errorf("bad prefix: %s has host bits set", p)
	}
	asn, err := parseASN(fields[1])
	if err != nil {
		return route{}, false, err
	}
	return route{Prefix: p, Origin: asn}, true, nil
}

// fieldCount renders a field count, which the splitter stops counting at 3.
func fieldCount(n int) string {
	if n >= 3 {
		return "3 or more"
	}
	return strconv.Itoa(n)
}

// parseASN parses "123" or "AS123" without allocating, and anything else
// (asdot, "as123") through bgp.ParseASN.
func parseASN(b []byte) (bgp.ASN, error) {
	d := bytes.TrimPrefix(b, []byte("AS"))
	if len(d) > 0 && len(d) <= 10 {
		var v uint64
		for _, c := range d {
			if c < '0' || c > '9' {
				return bgp.ParseASN(string(b))
			}
			v = v*10 + uint64(c-'0')
		}
		if v <= 1<<32-1 {
			return bgp.ASN(v), nil
		}
	}
	return bgp.ParseASN(string(b))
}

// mrtRoutes yields the routes of an MRT file: each distinct prefix and
// origin of its RIB entries and announcements once, in order of first
// appearance (the same pair from many peers, or announced again later in
// an update file, is printed once).
// A path without a single origin (empty, or ending in an AS_SET) yields
// rov.NoOrigin. Undecodable records are reported to stderr and skipped;
// damaged framing is skipped past (mrt.Options.Resync).
func mrtRoutes(path string, stderr io.Writer) routeSource {
	return func(yield func(route, error) bool) {
		dr, err := decompress.Open(path)
		if err != nil {
			yield(route{}, usageError(fmt.Errorf("open MRT file: %w", err)))
			return
		}
		defer dr.Close()
		warn := func(err error) { fmt.Fprintln(stderr, "observatory validate: skipped:", err) }
		sc := mrt.NewScanner(mrt.NewReader(dr, path, mrt.Options{Resync: true, Warn: warn}), false)
		var last route
		seen := map[route]struct{}{}
		for e := range sc.Elems() {
			if (e.Kind != mrt.KindRIB && e.Kind != mrt.KindAnnounce) || e.Attrs == nil || !e.Prefix.IsValid() {
				continue
			}
			origin, ok := e.Attrs.Path.Origin()
			if !ok {
				origin = rov.NoOrigin
			}
			r := route{Prefix: e.Prefix, Origin: origin}
			if r == last { // the common case: one prefix from many peers
				continue
			}
			last = r
			if _, dup := seen[r]; dup {
				continue
			}
			seen[r] = struct{}{}
			if !yield(r, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(route{}, err)
		}
	}
}
