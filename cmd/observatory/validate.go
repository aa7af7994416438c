package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"sync"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
)

func init() { register(newValidateCmd) }

// routeSource yields the routes to validate. An error ends the run: an
// *inputerr.Error is bad input (exit status 2), anything else a failure.
// Sources other than text lines (an MRT dump, a BMP feed) plug in here.
type routeSource = iter.Seq2[rov.Route, error]

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
	var write func(*bufio.Writer, *rpki.Snapshot, rov.Route, rov.State) error
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
	src := rov.ReadRoutes(cmd.InOrStdin(), "<stdin>")
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
func validateRoutes(w io.Writer, s *rpki.Snapshot, src routeSource, write func(*bufio.Writer, *rpki.Snapshot, rov.Route, rov.State) error) error {
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
func writeText(bw *bufio.Writer, _ *rpki.Snapshot, r rov.Route, st rov.State) error {
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
func writeJSON(bw *bufio.Writer, s *rpki.Snapshot, r rov.Route, st rov.State) error {
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

// appendJSONString appends s as a JSON string, as encoding/json writes it
// but without escaping <, > and & for HTML. The few names of trust
// anchors are encoded once each.
func appendJSONString(b []byte, s string) []byte {
	jsonStrings.Lock()
	defer jsonStrings.Unlock()
	if q, ok := jsonStrings.m[s]; ok {
		return append(b, q...)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes, and into memory
	q := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(jsonStrings.m) < 64 {
		jsonStrings.m[s] = q
	}
	return append(b, q...)
}

// jsonStrings are appendJSONString's encodings, of 64 strings at most.
var jsonStrings = struct {
	sync.Mutex
	m map[string][]byte
}{m: map[string][]byte{}}

// mrtRoutes yields the routes of an MRT file (rov.MRTRoutes), compressed
// or not. Undecodable records are reported to stderr and skipped; damaged
// framing is skipped past (mrt.Options.Resync).
func mrtRoutes(path string, stderr io.Writer) routeSource {
	return func(yield func(rov.Route, error) bool) {
		dr, err := decompress.Open(path)
		if err != nil {
			yield(rov.Route{}, usageError(fmt.Errorf("open MRT file: %w", err)))
			return
		}
		defer dr.Close()
		warn := func(err error) { fmt.Fprintln(stderr, "observatory validate: skipped:", err) }
		sc := mrt.NewScanner(mrt.NewReader(dr, path, mrt.Options{Resync: true, Warn: warn}), false)
		for r, err := range rov.MRTRoutes(sc) {
			if !yield(r, err) {
				return
			}
		}
	}
}
