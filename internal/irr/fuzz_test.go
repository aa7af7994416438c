package irr

import (
	"bytes"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// fuzzSeeds are hand-written edge cases for FuzzRPSL.
var fuzzSeeds = []string{
	"",
	"\n\n\n",
	"route: 192.0.2.0/24\norigin: AS1\nsource: X\n",
	"route6: 2001:db8::/32\r\norigin: AS1.10\r\n\r\nroute: 0.0.0.0/0\r\norigin: AS0",
	"route: 192.0.2.0/24\norigin: AS1\n\nroute: 192.0.2.0/25\norigin: AS1\nsource: Y\n\nroute: 192.0.2.0/24\norigin: AS2\n",
	"as-set: AS-A\nmembers: AS1, AS-B,\n AS-A\n+\tAS2\n\nas-set: AS-B\nmembers: AS-A AS3\nmbrs-by-ref: ANY\n\naut-num: AS4\nmember-of: AS-B\n",
	"aut-num: AS3257\nimport: from AS1 # c\n\taccept ANY\nmp-export: afi ipv6 to AS2\n+ announce ANY\n",
	"mntner: X-MNT\nauth: MD5-PW $1$abc$def\nauth: PGPKEY-12345678\n",
	"# comment\n% server\n\n \t\nperson: x\n  continued\n",
	" leading continuation\n",
	"no colon here\n\nroute: 192.0.2.0/33\norigin: AS1\n\nroute: ::/0\norigin: AS1\n",
	"route: 192.0.2.0/24\norigin: AS1\norigin: AS2\nsource: A\nsource: B\n",
	"ROUTE6: ::FFFF:192.0.2.0/120\nORIGIN: as4294967295\n",
	"route:192.0.2.0/24\norigin:AS1#x\nsource:x#y\n",
}

// FuzzRPSL reads arbitrary input leniently and strictly, checks that both
// agree and that every object and error is well formed, indexes the
// objects and checks the lookups against the objects themselves.
func FuzzRPSL(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, rel := range []string{realRoute, realRoute6, realAutNum} {
		for _, chunk := range seedChunks(readShared(f, rel), 4<<10, 6) {
			f.Add(chunk)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lenient, _, st := readAll(t, string(data), Options{File: "fuzz"})
		strict, errs, _ := readAll(t, string(data), Options{File: "fuzz", Strict: true})
		if diff := cmp.Diff(lenient, strict, cmpPrefix); diff != "" {
			t.Fatalf("strict and lenient objects differ (-lenient +strict):\n%s", diff)
		}
		if int64(len(errs)) != st.Bad || len(st.Errors) != min(len(errs), DefaultMaxErrors) {
			t.Fatalf("strict gave %d errors, lenient counted %d and kept %d", len(errs), st.Bad, len(st.Errors))
		}
		decoded := st.Routes + st.Routes6 + st.AutNums + st.ASSets + st.Mntners + st.Contacts
		if decoded != int64(len(lenient)) || decoded+st.Bad > st.Objects {
			t.Fatalf("stats %+v do not add up with %d objects", st, len(lenient))
		}
		for _, err := range errs {
			checkFuzzErr(t, data, st.Objects, err)
		}
		for _, obj := range lenient {
			checkFuzzObject(t, data, st.Objects, obj)
		}
		// Tiny limits exercise the size guard; only robustness is checked.
		readAll(t, string(data), Options{MaxObjectBytes: 64, MaxObjectLines: 4})
		checkFuzzIndex(t, lenient)
	})
}

// seedChunks cuts data into up to n chunks of about size bytes, at line
// ends.
func seedChunks(data []byte, size, n int) [][]byte {
	var out [][]byte
	for len(data) > 0 && len(out) < n {
		end := min(size, len(data))
		if i := bytes.IndexByte(data[end:], '\n'); i >= 0 {
			end += i + 1
		} else {
			end = len(data)
		}
		out = append(out, data[:end])
		data = data[end:]
	}
	return out
}

// startsLine reports whether off is the start of a line of data.
func startsLine(data []byte, off int64) bool {
	return off >= 0 && off < int64(len(data)) && (off == 0 || data[off-1] == '\n')
}

func checkFuzzErr(t *testing.T, data []byte, objects int64, err error) {
	var ie *inputerr.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *inputerr.Error", err)
	}
	if ie.Record < 1 || ie.Record > objects || !startsLine(data, ie.Offset) {
		t.Fatalf("error %v: bad position (objects %d, input %d bytes)", err, objects, len(data))
	}
	if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrAttribute) && !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v wraps no sentinel", err)
	}
}

func checkFuzzObject(t *testing.T, data []byte, objects int64, obj Object) {
	h := obj.Head()
	if h.Record < 1 || h.Record > objects || !startsLine(data, h.Offset) {
		t.Fatalf("object %s: bad position %+v", obj.Key(), *h)
	}
	if h.Source != "" && (h.Source != upperASCII(h.Source) || !isSourceName([]byte(h.Source))) {
		t.Fatalf("object %s: source %q not normalised", obj.Key(), h.Source)
	}
	switch o := obj.(type) {
	case *Route:
		if !o.Prefix.IsValid() || o.Prefix != o.Prefix.Masked() {
			t.Fatalf("route %s: prefix not valid and masked", o.Key())
		}
	case *Mntner:
		for _, a := range o.Auth {
			if strings.ContainsAny(a, " \t") {
				t.Fatalf("mntner %s: auth %q keeps more than the scheme", o.Name, a)
			}
		}
	}
}

// checkFuzzIndex builds an index and checks that it finds every route
// object, and that Best agrees with Lookup on derived prefixes.
func checkFuzzIndex(t *testing.T, objs []Object) {
	var b Builder
	for _, o := range objs {
		b.Add(o)
	}
	x := b.Build()
	for _, o := range objs {
		switch o := o.(type) {
		case *Route:
			checkFuzzRoute(t, x, o)
		case *ASSet:
			e := x.ExpandASSet(o.Name)
			if !slices.IsSorted(e.ASNs) || len(slices.Compact(slices.Clone(e.ASNs))) != len(e.ASNs) {
				t.Fatalf("ExpandASSet(%s) ASNs not sorted and unique: %v", o.Name, e.ASNs)
			}
		}
	}
}

func checkFuzzRoute(t *testing.T, x *Index, r *Route) {
	want := Match{Source: r.Source, Kind: Exact, Object: r.Prefix}
	if ms := x.Lookup(r.Prefix, r.Origin); !slices.Contains(ms, want) || x.Best(r.Prefix, r.Origin) != Exact {
		t.Fatalf("route %s of %q: Lookup = %v, Best = %v", r.Key(), r.Source, ms, x.Best(r.Prefix, r.Origin))
	}
	if !slices.Contains(x.Origins(r.Prefix), Origin{r.Origin, r.Source}) {
		t.Fatalf("route %s of %q missing from Origins", r.Key(), r.Source)
	}
	for _, p := range []netip.Prefix{moreSpecific(r.Prefix), lessSpecific(r.Prefix)} {
		for _, origin := range []uint32{uint32(r.Origin), uint32(r.Origin) + 1} {
			ms := x.Lookup(p, bgp.ASN(origin))
			best := None
			for _, m := range ms {
				best = max(best, m.Kind)
				if !m.Object.Contains(p.Addr()) || m.Object.Bits() > p.Bits() || (m.Kind == Exact) != (m.Object == p) {
					t.Fatalf("Lookup(%s, %d) gave inconsistent match %+v", p, origin, m)
				}
			}
			if got := x.Best(p, bgp.ASN(origin)); got != best {
				t.Fatalf("Best(%s, %d) = %s, Lookup says %s", p, origin, got, best)
			}
			if p.Bits() > r.Prefix.Bits() && origin == uint32(r.Origin) && best < Covered {
				t.Fatalf("Lookup(%s, %d): more specific of %s not covered", p, origin, r.Key())
			}
		}
	}
}

func moreSpecific(p netip.Prefix) netip.Prefix {
	if p.Bits() == p.Addr().BitLen() {
		return p
	}
	return netip.PrefixFrom(p.Addr(), p.Bits()+1)
}

func lessSpecific(p netip.Prefix) netip.Prefix {
	if p.Bits() == 0 {
		return p
	}
	q, _ := p.Addr().Prefix(p.Bits() - 1)
	return q
}
