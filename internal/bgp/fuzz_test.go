package bgp

import (
	"testing"
)

// FuzzAttrs decodes arbitrary bytes as path attributes (2- and 4-octet,
// with and without TABLE_DUMP_V2's short MP_REACH) and as NLRI. It must
// never panic, and a successful decode must be internally consistent.
func FuzzAttrs(f *testing.F) {
	for _, s := range attrSeeds() {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		var a Attrs
		opt := DecodeOptions{ASSize: 2, AbbrevMPReach: flags&2 != 0}
		if flags&1 != 0 {
			opt.ASSize = 4
		}
		if err := a.Decode(data, opt); err == nil {
			checkAttrs(t, &a)
		}
		r := NLRIReader{B: data, AFI: AFI(1 + flags>>7), AddPath: flags&4 != 0}
		for r.Next() {
			if r.NLRI.Prefix != r.NLRI.Prefix.Masked() {
				t.Fatalf("unmasked %s", r.NLRI.Prefix)
			}
		}
		if _, body, err := SplitMessage(data); err == nil {
			if u, err := SplitUpdate(body); err == nil && len(u.Withdrawn)+len(u.Attrs)+len(u.NLRI)+4 != len(body) {
				t.Fatalf("UPDATE split loses bytes")
			}
		}
	})
}

func checkAttrs(t *testing.T, a *Attrs) {
	t.Helper()
	_ = a.Path.AppendText(nil)
	for i, s := range a.Path.Segs {
		if s.Start > s.End || int(s.End) > len(a.Path.ASNs) || (i > 0 && a.Path.Segs[i-1].End != s.Start) {
			t.Fatalf("segment %d out of range: %+v of %d", i, s, len(a.Path.ASNs))
		}
	}
	for range a.CommunityList() {
	}
	for range a.LargeCommunityList() {
	}
	for u := range a.Unknown() {
		if known(u.Type) {
			t.Fatalf("known attribute %d reported as unknown", u.Type)
		}
	}
	if _, ok := a.MPReach.NextHopAddr(); ok && len(a.MPReach.NextHop) == 0 {
		t.Fatal("next hop from nothing")
	}
}
