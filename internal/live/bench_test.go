package live

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/bmp"
	"github.com/observatory-net/observatory/internal/bmp/bmptest"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/rpki"
)

// BenchmarkFeed sends 10,240 announcements and as many withdrawals of
// distinct /24s (the last 256 under a watched /16, a quarter of those
// from a hijacker's origin and RPKI-invalid) over a BMP session on
// loopback, and waits until the engine has raised and closed the round's
// incidents: the whole live path, TCP, station, conversion and engine,
// but no delivery.
func BenchmarkFeed(b *testing.B) {
	w, err := alert.ParseWatch(bytes.NewBufferString("prefixes:\n  - {name: n, prefix: 10.0.0.0/16, origins: [AS64496]}\n"), "watch.yaml")
	if err != nil {
		b.Fatal(err)
	}
	d, err := rpki.Loader{}.Read(context.Background(), bytes.NewBufferString("ASN,IP Prefix,Max Length\nAS64496,10.0.0.0/16,24\n"), "vrps.csv")
	if err != nil {
		b.Fatal(err)
	}
	snap, err := d.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	peer := bmptest.Peer{Addr: netip.MustParseAddr("198.51.100.1"), AS: 64500, BGPID: netip.MustParseAddr("198.51.100.1")}
	rid := netip.MustParseAddr("198.51.100.9")
	var ann, wd bytes.Buffer
	const n = 40 * 256
	for i := range n {
		p := mrttest.Prefix(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(39 - i/256), byte(i), 0}), 24))
		origin := uint32(64496)
		if i%4 == 3 {
			origin = 64511
		}
		attrs := append([]byte{0x40, 0x01, 0x01, 0x00}, mrttest.ASPath4(64500, origin)...)
		ann.Write(bmptest.RouteMonitoring(peer, mrttest.Update(nil, attrs, p)))
		wd.Write(bmptest.RouteMonitoring(peer, mrttest.Update(p, nil, nil)))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	e := alert.NewEngine(w, snap, alert.Options{})
	// Each round opens and closes 64 rpki-invalid and 64 subprefix-hijack
	// incidents: the round's last event is the last close.
	const perRound = 4 * 64
	events, round := 0, make(chan struct{}, 1)
	emit := func(alert.Event) {
		if events++; events%perRound == 0 {
			round <- struct{}{}
		}
	}
	f := &Feed{Station: &bmp.Station{}, Engine: e, Emit: emit, Tick: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx, ln) }()
	c, err := bmptest.Dial(ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Send(bmptest.Initiation("bench", "x"),
		bmptest.PeerUp(peer, rid, 179, 40000, bmptest.Open(64499, rid, bmptest.AS4(64499)), bmptest.Open(64500, peer.BGPID, bmptest.AS4(64500)))); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(ann.Len() + wd.Len()))
	b.ReportAllocs()
	rounds := 0
	for b.Loop() {
		if err := c.Send(ann.Bytes(), wd.Bytes()); err != nil {
			b.Fatal(err)
		}
		<-round
		rounds++
	}
	b.StopTimer()
	b.ReportMetric(float64(2*n*rounds)/b.Elapsed().Seconds(), "routes/s")
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	c.Close()
	if st := e.Stats(); st.Observations != 2*n*rounds || st.Opened[alert.RPKIInvalid] != 64*rounds || st.Routes != 0 {
		b.Fatalf("%d observations, %d rpki-invalid opened in %d rounds, %d routes kept", st.Observations, st.Opened[alert.RPKIInvalid], rounds, st.Routes)
	}
}
