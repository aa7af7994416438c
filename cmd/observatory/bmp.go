package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/atomicfile"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bgpdump"
	"github.com/observatory-net/observatory/internal/bmp"
	"github.com/observatory-net/observatory/internal/mrt"
)

func init() { register(newBMPCmd) }

// bmpOptions are the flags of the bmp command.
type bmpOptions struct {
	listen string
	format string
	out    string
}

func newBMPCmd() *cobra.Command {
	var o bmpOptions
	cmd := &cobra.Command{
		Use:   "bmp [--listen ADDR] [--format text|json] [-o FILE]",
		Short: "Run a BMP station (RFC 7854) and print what routers export",
		Long: `bmp listens for BMP sessions (RFC 7854; Loc-RIB, RFC 9069) from routers and
prints one line per event until interrupted (SIGINT or SIGTERM): a route
announced or withdrawn in a monitored peer's table, a peer up or down, an
End-of-RIB. The station keeps a table per router and peer: a Peer Down, or the
end of a router's session, withdraws every route of the peer, and each of
those withdrawals is printed. A router that sends damaged framing or drops in
the middle of a message loses its own session only; standard error names it,
with the message number and byte offset.

--listen is 127.0.0.1:11019 by default: BMP has no authentication, so listen
on a loopback or management address only.

Text output is bgpdump -m's for routes, with BMP as the type and the per-peer
header's time:
  BMP|1601382600.000000|A|193.201.28.11|1267|2.17.240.0/21|1267|IGP|193.201.28.11|0|0|1267:711|NAG||
  BMP|1601382600.000000|W|193.201.28.11|1267|2.17.240.0/21
and, for peers, BMP|time|PEER_UP or PEER_DOWN or END_OF_RIB|router|peer|AS|RIB|detail.
A Loc-RIB (RFC 9069) has peer 0.0.0.0 and the router's own AS. JSON output
is one object per line with the router, its sysName, the peer header and the
route (prefix, path id, as_path, origin_as, next_hop, communities).

With -o FILE the lines are written to FILE when the station stops, whole or
not at all, instead of to standard output.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runBMP(ctx, cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", bmp.DefaultListen, "address to accept BMP sessions on")
	f.StringVar(&o.format, "format", "text", "output format: text (bgpdump -m-like) or json (one object per line)")
	f.StringVarP(&o.out, "output", "o", "", "write the lines to this file when the station stops (default: standard output, as they come)")
	return cmd
}

func runBMP(ctx context.Context, cmd *cobra.Command, o bmpOptions) error {
	if o.format != "text" && o.format != "json" {
		return usageError(fmt.Errorf("--format %q: want text or json", o.format))
	}
	if o.out != "" {
		if st, err := os.Stat(filepath.Dir(o.out)); err != nil || !st.IsDir() {
			return usageError(fmt.Errorf("-o %s: no such directory %s", o.out, filepath.Dir(o.out)))
		}
	}
	if _, _, err := net.SplitHostPort(o.listen); err != nil {
		return usageError(fmt.Errorf("--listen %q: %w", o.listen, err))
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("bmp: %w", err)
	}
	var file bytes.Buffer
	var w *bufio.Writer
	if o.out != "" {
		w = bufio.NewWriter(&file)
	} else {
		w = bufio.NewWriter(cmd.OutOrStdout())
	}
	p := &eventPrinter{w: w, json: o.format == "json", flush: o.out == ""}
	st := &bmp.Station{Handler: p.print, Logger: slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))}
	if err := st.Serve(ctx, ln); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if p.err != nil {
		return fmt.Errorf("bmp: writing output: %w", p.err)
	}
	if o.out != "" {
		return atomicfile.Write(o.out, file.Bytes(), 0o644)
	}
	return nil
}

// eventPrinter writes one line per station event.
type eventPrinter struct {
	w     *bufio.Writer
	json  bool
	flush bool // after each line: standard output is followed live
	buf   []byte
	err   error
}

func (p *eventPrinter) print(e bmp.Event) {
	if p.json {
		p.buf = appendEventJSON(p.buf[:0], e)
	} else {
		p.buf = appendEventText(p.buf[:0], e)
	}
	if _, err := p.w.Write(p.buf); err != nil && p.err == nil {
		p.err = err
	}
	if p.flush {
		if err := p.w.Flush(); err != nil && p.err == nil {
			p.err = err
		}
	}
}

// appendEventText writes bgpdump -m's line for a route, with BMP as the
// type, or a peer line.
func appendEventText(dst []byte, e bmp.Event) []byte {
	if e.Kind == bmp.KindAnnounce || e.Kind == bmp.KindWithdraw {
		r := e.Route
		start := len(dst)
		dst = bgpdump.AppendLine(dst, &r, bgpdump.Options{})
		// Replace bgpdump's record type (BGP4MP_ET, BGP4MP_ET_AP) by BMP.
		if i := bytes.IndexByte(dst[start:], '|'); i >= 0 {
			dst = append(dst[:start], append([]byte("BMP"), dst[start+i:]...)...)
		}
		return dst
	}
	dst = append(dst, "BMP|"...)
	dst = appendUnixMicro(dst, e)
	switch e.Kind {
	case bmp.KindPeerUp:
		dst = append(dst, "|PEER_UP|"...)
	case bmp.KindPeerDown:
		dst = append(dst, "|PEER_DOWN|"...)
	default:
		dst = append(dst, "|END_OF_RIB|"...)
	}
	dst = append(dst, e.Router.Addr.String()...)
	dst = append(dst, '|')
	dst = append(dst, e.Peer.Addr.String()...)
	dst = append(dst, '|')
	dst = append(dst, e.Peer.AS.Plain()...)
	dst = append(dst, '|')
	dst = append(dst, ribName(&e.Peer)...)
	dst = append(dst, '|')
	if e.Kind == bmp.KindEndOfRIB {
		dst = append(dst, familyName(e.Family)...)
	} else {
		dst = append(dst, e.Reason...)
	}
	return append(dst, '\n')
}

func appendUnixMicro(dst []byte, e bmp.Event) []byte {
	us := e.Time.UnixMicro()
	dst = strconv.AppendInt(dst, us/1e6, 10)
	dst = append(dst, '.')
	frac := strconv.FormatInt(us%1e6+1e6, 10)
	return append(dst, frac[1:]...)
}

// ribName names the monitored RIB: peer type and policy stage.
func ribName(p *bmp.PeerHeader) string {
	s := p.Type.String()
	if p.Type == bmp.PeerLocRIB {
		return s
	}
	if p.AdjRIBOut() {
		s += " adj-rib-out"
	}
	if p.PostPolicy() {
		return s + " post-policy"
	}
	return s + " pre-policy"
}

func familyName(f bmp.Family) string {
	switch {
	case f.AFI == bgp.AFIIPv4 && f.SAFI == bgp.SAFIUnicast:
		return "ipv4-unicast"
	case f.AFI == bgp.AFIIPv6 && f.SAFI == bgp.SAFIUnicast:
		return "ipv6-unicast"
	}
	return fmt.Sprintf("afi %d safi %d", f.AFI, f.SAFI)
}

// bmpEventJSON is the JSON line of an event.
type bmpEventJSON struct {
	Time        string   `json:"time"`
	Router      string   `json:"router"`
	SysName     string   `json:"sys_name,omitempty"`
	Kind        string   `json:"kind"`
	Peer        peerJSON `json:"peer"`
	Prefix      string   `json:"prefix,omitempty"`
	PathID      *uint32  `json:"path_id,omitempty"`
	ASPath      *string  `json:"as_path,omitempty"`
	OriginAS    *uint32  `json:"origin_as,omitempty"`
	Origin      string   `json:"origin,omitempty"`
	NextHop     string   `json:"next_hop,omitempty"`
	Communities []string `json:"communities,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Family      string   `json:"family,omitempty"`
}

type peerJSON struct {
	Type  string `json:"type"`
	Addr  string `json:"addr"`
	AS    uint32 `json:"as"`
	BGPID string `json:"bgp_id"`
	RIB   string `json:"rib"`
	Flags uint8  `json:"flags"`
	Dist  uint64 `json:"distinguisher,omitempty"`
}

func appendEventJSON(dst []byte, e bmp.Event) []byte {
	j := bmpEventJSON{
		Time: e.Time.UTC().Format("2006-01-02T15:04:05.000000Z07:00"), Router: e.Router.Addr.String(), SysName: e.Router.SysName,
		Kind: e.Kind.String(),
		Peer: peerJSON{Type: e.Peer.Type.String(), Addr: e.Peer.Addr.String(), AS: uint32(e.Peer.AS), BGPID: e.Peer.BGPID.String(),
			RIB: ribName(&e.Peer), Flags: e.Peer.Flags, Dist: e.Peer.Distinguisher},
		Reason: e.Reason,
	}
	switch e.Kind {
	case bmp.KindAnnounce, bmp.KindWithdraw:
		bmpRouteJSON(&j, &e.Route)
	case bmp.KindEndOfRIB:
		j.Family = familyName(e.Family)
	}
	b, _ := json.Marshal(j) // plain strings and numbers: cannot fail
	return append(append(dst, b...), '\n')
}

func bmpRouteJSON(j *bmpEventJSON, r *mrt.Elem) {
	j.Prefix = r.Prefix.String()
	if r.AddPath {
		id := r.PathID
		j.PathID = &id
	}
	if r.Attrs == nil {
		return
	}
	path := r.Attrs.Path.String()
	j.ASPath = &path
	if o, ok := r.Attrs.Path.Origin(); ok {
		v := uint32(o)
		j.OriginAS = &v
	}
	j.Origin = r.Attrs.Origin.String()
	if nh, ok := r.NextHop(); ok {
		j.NextHop = nh.String()
	}
	for c := range r.Attrs.CommunityList() {
		j.Communities = append(j.Communities, strconv.FormatUint(uint64(c>>16), 10)+":"+strconv.FormatUint(uint64(c&0xffff), 10))
	}
}
