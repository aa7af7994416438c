package mrt_test

import (
	"bytes"
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
)

var (
	pfx  = netip.MustParsePrefix
	addr = netip.MustParseAddr
)

type got struct {
	Kind   mrt.Kind
	Peer   string
	Prefix string
	PathID uint32
	Path   string
	Entry  int64
}

func scan(t *testing.T, data []byte, opt mrt.Options, strict bool) ([]got, error) {
	t.Helper()
	sc := mrt.NewScanner(mrt.NewReader(bytes.NewReader(data), "test.mrt", opt), strict)
	var out []got
	for e := range sc.Elems() {
		g := got{Kind: e.Kind, Peer: e.PeerIP.String(), Prefix: e.Prefix.String(), PathID: e.PathID, Entry: e.Entry}
		if e.Attrs != nil {
			g.Path = e.Attrs.Path.String()
		}
		out = append(out, g)
	}
	return out, sc.Err()
}

func peerIndex() []byte {
	return mrttest.Record(1, 13, 1, 0, mrttest.PeerIndex(addr("192.0.2.254"), "", []mrttest.Peer{
		{IP: addr("2001:db8::10"), AS: 4200000002, AS4: true}}))
}

func TestScanner_RIBGenericAndMulticast(t *testing.T) {
	attrs := slices.Concat(mrttest.Attr(0x40, 1, []byte{0}), mrttest.ASPath4(65001, 65002))
	e := []mrttest.Entry{{PeerIndex: 0, PathID: 9, Attrs: attrs}}
	data := slices.Concat(peerIndex(),
		mrttest.Record(1, 13, 6, 0, mrttest.RIBGeneric(0, 2, 1, pfx("2001:db8::/32"), false, e)),
		mrttest.Record(1, 13, 12, 0, mrttest.RIBGeneric(1, 1, 1, pfx("10.0.0.0/8"), true, e)),
		mrttest.Record(1, 13, 3, 0, mrttest.RIB(2, pfx("233.252.0.0/24"), false, e)),
		mrttest.Record(1, 13, 5, 0, mrttest.RIB(3, pfx("ff0e::/16"), false, e)),
		mrttest.Record(1, 13, 6, 0, mrttest.RIBGeneric(4, 25, 65, pfx("10.0.0.0/8"), false, e)), // L2VPN: skipped
	)
	var warnings []error
	out, err := scan(t, data, mrt.Options{Warn: func(e error) { warnings = append(warnings, e) }}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []got{
		{mrt.KindRIB, "2001:db8::10", "2001:db8::/32", 0, "65001 65002", 0},
		{mrt.KindRIB, "2001:db8::10", "10.0.0.0/8", 9, "65001 65002", 1},
		{mrt.KindRIB, "2001:db8::10", "233.252.0.0/24", 0, "65001 65002", 2},
		{mrt.KindRIB, "2001:db8::10", "ff0e::/16", 0, "65001 65002", 3},
	}
	if d := cmp.Diff(want, out); d != "" {
		t.Errorf("elements mismatch (-want +got):\n%s", d)
	}
	if len(warnings) != 1 {
		t.Errorf("want one warning for the unknown AFI, got %v", warnings)
	}
}

func TestScanner_Errors(t *testing.T) {
	good := slices.Concat(peerIndex(), mrttest.Record(1, 13, 2, 0, mrttest.RIB(0, pfx("10.0.0.0/8"), false,
		[]mrttest.Entry{{Attrs: mrttest.ASPath4(1)}})))
	badPeer := mrttest.Record(1, 13, 2, 0, mrttest.RIB(1, pfx("10.0.0.0/8"), false, []mrttest.Entry{{PeerIndex: 5}}))
	tests := []struct {
		name     string
		data     []byte
		opt      mrt.Options
		strict   bool
		wantN    int
		wantErr  error
		record   int64
		offset   int64
		warnings int
	}{
		{"truncated header", append(slices.Clone(good), 0, 0, 0), mrt.Options{}, false, 1, inputerr.ErrTruncated, 3, int64(len(good)), 0},
		{"truncated body", good[:len(good)-2], mrt.Options{}, false, 0, inputerr.ErrTruncated, 2, int64(len(peerIndex())), 0},
		{"bad peer index skipped", slices.Concat(good, badPeer, good[len(peerIndex()):]), mrt.Options{}, false, 2, nil, 0, 0, 1},
		{"bad peer index strict", slices.Concat(good, badPeer), mrt.Options{}, true, 1, nil, 3, int64(len(good)), 0},
		{"garbage header", slices.Concat(good, []byte("garbage-garbage")), mrt.Options{}, false, 1, nil, 3, int64(len(good)), 0},
		{"resync past garbage", slices.Concat(good[:len(peerIndex())], []byte("junk!"), good[len(peerIndex()):]), mrt.Options{Resync: true}, false, 1, nil, 0, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var warnings []error
			tc.opt.Warn = func(e error) { warnings = append(warnings, e) }
			out, err := scan(t, tc.data, tc.opt, tc.strict)
			if len(out) != tc.wantN {
				t.Errorf("%d elements, want %d", len(out), tc.wantN)
			}
			if len(warnings) != tc.warnings {
				t.Errorf("warnings %v, want %d", warnings, tc.warnings)
			}
			if tc.record == 0 {
				if err != nil {
					t.Errorf("unexpected error %v", err)
				}
				return
			}
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *inputerr.Error", err)
			}
			if ie.File != "test.mrt" || ie.Record != tc.record || ie.Offset != tc.offset {
				t.Errorf("error at %s record %d offset %d, want record %d offset %d: %v", ie.File, ie.Record, ie.Offset, tc.record, tc.offset, err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v, want %v", err, tc.wantErr)
			}
		})
	}
}

// TestScanner_ZeroAllocs checks the hot path allocates nothing per
// element once warm.
func TestScanner_ZeroAllocs(t *testing.T) {
	attrs := slices.Concat(mrttest.Attr(0x40, 1, []byte{0}), mrttest.ASPath4(65001, 65002, 65003),
		mrttest.Attr(0xc0, 8, []byte{0xfd, 0xe9, 0, 1}))
	var data []byte
	data = append(data, peerIndex()...)
	for i := range 1000 {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24)
		data = append(data, mrttest.Record(1, 13, 2, 0, mrttest.RIB(uint32(i), p, false, []mrttest.Entry{{Attrs: attrs}, {Attrs: attrs}}))...)
	}
	r := bytes.NewReader(data)
	allocs := testing.AllocsPerRun(5, func() {
		r.Reset(data)
		sc := mrt.NewScanner(mrt.NewReader(r, "", mrt.Options{}), true)
		for range sc.Elems() {
		}
	})
	// A fresh scanner costs a fixed few allocations (buffers); 2,000
	// elements must not add any.
	if allocs > 30 {
		t.Errorf("%.0f allocations for 2,000 elements", allocs)
	}
}
