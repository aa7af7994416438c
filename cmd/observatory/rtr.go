package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/rtr"
)

func init() { register(newRTRCmd) }

// rtrOptions are the flags of the rtr command.
type rtrOptions struct {
	connect, format, out string
	version              int
	once, verbose        bool
	timeout              time.Duration
}

func newRTRCmd() *cobra.Command {
	var o rtrOptions
	cmd := &cobra.Command{
		Use:   "rtr --connect HOST:PORT [--version 0|1|2] [--once] [--format json|csv] [-o FILE]",
		Short: "Fetch and follow the VRPs (and ASPAs) of an RPKI-to-Router cache",
		Long: `rtr connects to an RPKI-to-Router cache (RFC 8210, RFC 6810; version 2 is
draft-ietf-sidrops-8210bis-10 as stayrtr 0.5.1 speaks it, with ASPA) and
fetches its data with a Reset Query. It offers --version and steps down when
the cache does not support it.

With --once it prints the VRPs of the first End of Data and exits: JSON in
rpki-client's shape ({"metadata":…,"roas":[…],"aspas":[…]}), or CSV
(ASN,IP Prefix,Max Length,Trust Anchor), both of which validate --vrps and
the other commands read. RTR carries no trust anchor: the field is empty.

Without --once it follows the cache until interrupted (SIGINT, SIGTERM):
Serial Queries on each Serial Notify and refresh interval, reconnecting
with backoff when the cache goes away. It prints one line per new serial
with the counts and the VRPs added and removed, and with -o rewrites FILE
(whole, never half) at every update.

Exit status: 0 once done or interrupted, 1 when the cache cannot be
reached or answers badly (with --once), 2 for bad flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runRTR(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.connect, "connect", "", "the cache's HOST:PORT (required)")
	f.IntVar(&o.version, "version", 2, "highest RTR version offered: 0, 1 or 2")
	f.BoolVar(&o.once, "once", false, "exit after the first End of Data, printing the VRPs")
	f.StringVar(&o.format, "format", "json", "output of the VRPs: json or csv")
	f.StringVarP(&o.out, "output", "o", "", "write the VRPs to this file instead of standard output")
	f.DurationVar(&o.timeout, "timeout", 30*time.Second, "longest wait for the cache to connect or answer")
	f.BoolVar(&o.verbose, "verbose", false, "log every connection and update to standard error")
	return cmd
}

func (o rtrOptions) check() error {
	switch {
	case o.connect == "":
		return errors.New("--connect HOST:PORT is required")
	case o.version < 0 || o.version > int(rtr.MaxVersion):
		return fmt.Errorf("--version %d: want 0, 1 or 2", o.version)
	case o.format != "json" && o.format != "csv":
		return fmt.Errorf("--format %q: want json or csv", o.format)
	case o.timeout <= 0:
		return fmt.Errorf("--timeout %s: want a positive duration", o.timeout)
	}
	return nil
}

func runRTR(cmd *cobra.Command, o rtrOptions) error {
	if err := o.check(); err != nil {
		return usageError(err)
	}
	level := slog.LevelWarn
	if o.verbose {
		level = slog.LevelInfo
	}
	c := &rtr.Client{Addr: o.connect, Version: rtr.Version(o.version), Timeout: o.timeout,
		Logger: slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.once {
		ctx, cancel := context.WithTimeout(ctx, o.timeout)
		defer cancel()
		snap, st, err := c.Fetch(ctx)
		if err != nil {
			return err
		}
		return writeOutput(cmd, o.out, encodeVRPs(o.format, snap, st))
	}
	return followRTR(ctx, cmd, c, o)
}

// followRTR runs the client until ctx ends, printing a line per update;
// a failure to write -o ends it.
func followRTR(ctx context.Context, cmd *cobra.Command, c *rtr.Client, o rtrOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var werr error
	c.OnUpdate = func(u rtr.Update) {
		// The file first: a line announces a file already in place.
		if o.out != "" {
			if err := writeOutput(cmd, o.out, encodeVRPs(o.format, u.Snapshot, u.State)); err != nil {
				werr = fmt.Errorf("write %s at serial %d: %w", o.out, u.State.Serial, err)
				cancel()
				return
			}
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s session %d serial %d version %d vrps %d aspas %d added %d removed %d aspas_changed %d\n",
			u.State.Updated.UTC().Format(time.RFC3339), u.State.Session, u.State.Serial, u.State.Version,
			u.Snapshot.Len(), u.Snapshot.NumASPAs(), len(u.Added), len(u.Removed), len(u.ASPAs))
	}
	err := c.Run(ctx)
	if werr != nil {
		return werr
	}
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// encodeVRPs renders a snapshot as rpki-client JSON or CSV.
func encodeVRPs(format string, s *rpki.Snapshot, st rtr.State) []byte {
	if format == "csv" {
		var b bytes.Buffer
		b.WriteString("ASN,IP Prefix,Max Length,Trust Anchor\n")
		for v := range s.VRPs() {
			fmt.Fprintf(&b, "%s,%s,%d,\n", v.ASN, v.Prefix, v.MaxLen)
		}
		return b.Bytes()
	}
	return encodeVRPsJSON(&bytes.Buffer{}, s, st)
}

// encodeVRPsJSON writes rpki-client's JSON shape (8.5 and later, with the
// top-level aspas), a VRP per line.
func encodeVRPsJSON(b *bytes.Buffer, s *rpki.Snapshot, st rtr.State) []byte {
	fmt.Fprintf(b, `{"metadata":{"buildtime":%q,"vrps":%d,"aspas":%d,"rtr_session":%d,"rtr_serial":%d,"rtr_version":%d},`+"\n",
		st.Updated.UTC().Format(time.RFC3339), s.Len(), s.NumASPAs(), st.Session, st.Serial, st.Version)
	b.WriteString(`"roas":[`)
	sep := "\n"
	for v := range s.VRPs() {
		fmt.Fprintf(b, `%s{"asn":%d,"prefix":"%s","maxLength":%d,"ta":""}`, sep, uint32(v.ASN), v.Prefix, v.MaxLen)
		sep = ",\n"
	}
	b.WriteString("\n],\n\"aspas\":[")
	sep = "\n"
	for a := range s.ASPAs() {
		fmt.Fprintf(b, `%s{"customer":%d,"providers":[`, sep, uint32(a.Customer))
		for i, p := range a.Providers {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatUint(uint64(p), 10))
		}
		b.WriteString("]}")
		sep = ",\n"
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
}
