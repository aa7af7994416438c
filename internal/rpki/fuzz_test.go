package rpki

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/testenv"
)

// Hand-written seeds: one per flavour, plus some broken inputs.
var (
	jsonSeeds = []string{
		`{"metadata":{"elapsedtime":"0"},"roas":[{"asn":64496,"prefix":"192.0.2.0/24","maxLength":24,"ta":"ripe","expires":1}],"provider_authorizations":{"ipv4":[{"customer_asid":1,"providers":[2,3]}],"ipv6":[{"customer_asid":1,"providers":[4]}]}}`,
		`{"roas":[{"asn":"AS13335","prefix":"2606:4700::/32","maxLength":48,"source":[{"type":"roa","tal":"arin"}]}],"aspas":[{"customer":"AS1","providers":["AS2(v4)"]}]}`,
		`{"metadata":{},"roas":[{"prefix":"1.0.0.0/24","maxLength":"24","asn":"AS13335","ta":"apnic"}]}`,
		`{"roas":[{"asn":1,"prefix":"10.0.0.0/8","maxLength":33}]}`,
		`{"roas":[{"asn":1,"prefix":"10.0.0.0/8",}]}`,
		`{"aspas":[{"customer_asid":4294967295,"providers":[0]}],"x":[[[{}]]]}`,
	}
	csvSeeds = []string{
		"ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS64496,192.0.2.0/24,24,ripe,1700000000\n",
		"\"ASN\",\"IP Prefix\",\"Max Length\"\n\"AS3333\",\"193.0.0.0/21\",\"21\"\n",
		"# c\n64496,192.0.2.0/24,24\r\n",
		"1.120.0.0, 13, 13, 1221\n2a01:c000::, 19, 48, 5511\n\n \n",
		"AS1,10.0.0.0/8,7\n",
		"URI,IP Prefix,ASN\nx,::/0,0\n",
	}
)

// addRealSeeds adds the heads of the real VRP files, decompressed, and
// returns them split by family.
func addRealSeeds(f *testing.F) (json, csv [][]byte) {
	for _, rel := range []string{
		"rpki/rpki-client-prepdev-20230504.json.gz",
		"rpki/vrps-20200217-bgpsquelch-roa.csv",
		"rpki/ripe-ncc-test-roas-2016.csv",
	} {
		r, err := decompress.Open(testenv.File(f, rel))
		if err != nil {
			f.Fatal(err)
		}
		// Heads of a few KiB: longer seeds make every "interesting" input
		// slow to minimize, and the fuzzer spends its time there.
		head := make([]byte, 2048)
		k, _ := io.ReadFull(r, head)
		r.Close()
		for _, n := range []int{300, 800, 2048} {
			h := head[:min(n, k)]
			if h[0] == '{' {
				json = append(json, h)
			} else {
				csv = append(csv, h)
			}
		}
	}
	// A compressed stream too, so that detection and decompression get
	// mutated: the first KiB of the gzip file (truncated on purpose).
	raw, err := os.ReadFile(testenv.File(f, "rpki/rpki-client-prepdev-20230504.json.gz"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw[:1024])
	return json, csv
}

// FuzzLoad feeds arbitrary bytes through content detection and checks the
// loader's contract: no panic, errors located with *inputerr.Error, and a
// successful result that indexes and validates like a linear scan.
func FuzzLoad(f *testing.F) {
	// Decode bzip2 in-process rather than by starting bzip2(1) per input.
	f.Setenv("OBSERVATORY_BZIP2", "go")
	json, csv := addRealSeeds(f)
	for _, s := range slices.Concat(json, csv) {
		f.Add(s)
	}
	for _, s := range slices.Concat(jsonSeeds, csvSeeds, arraySeeds) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, data, func(l Loader) (*Dump, error) {
			return l.Read(context.Background(), bytes.NewReader(data), "fuzz")
		})
	})
}

// FuzzLoadJSON drives the JSON decoder directly, whatever the first byte,
// and checks that the fast path (fastROA) and encoding/json's reflection
// give the same dump or the same error.
func FuzzLoadJSON(f *testing.F) {
	json, _ := addRealSeeds(f)
	for _, s := range json {
		f.Add(s)
	}
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, data, func(l Loader) (*Dump, error) {
			return readJSON(context.Background(), l, bytes.NewReader(data), "fuzz", 0)
		})
		checkFastJSON(t, data)
	})
}

// checkFastJSON compares the JSON decoder with and without its fast path.
func checkFastJSON(t *testing.T, data []byte) {
	for _, l := range []Loader{{}, {SkipInvalid: true}} {
		fast, ferr := decodeJSON(context.Background(), l, bytes.NewReader(data), "fuzz", 0, false)
		slow, serr := decodeJSON(context.Background(), l, bytes.NewReader(data), "fuzz", 0, true)
		if fmt.Sprint(ferr) != fmt.Sprint(serr) {
			t.Fatalf("%+v: fast path error %v, reflection error %v", l, ferr, serr)
		}
		if diff := cmp.Diff(slow, fast,
			cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
			cmp.Comparer(func(a, b error) bool { return fmt.Sprint(a) == fmt.Sprint(b) }),
		); diff != "" {
			t.Fatalf("%+v: fast path mismatch (-reflection +fast):\n%s", l, diff)
		}
	}
}

// FuzzLoadCSV drives the CSV decoder directly, whatever the first byte.
func FuzzLoadCSV(f *testing.F) {
	_, csv := addRealSeeds(f)
	for _, s := range csv {
		f.Add(s)
	}
	for _, s := range csvSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, data, func(l Loader) (*Dump, error) {
			br := bufio.NewReaderSize(bytes.NewReader(data), 1<<16)
			return readCSV(context.Background(), l, br, "fuzz", 0)
		})
	})
}

// checkLoad runs load strictly and leniently and checks the results.
func checkLoad(t *testing.T, data []byte, load func(Loader) (*Dump, error)) {
	strict, err := load(Loader{})
	if err != nil {
		var ie *inputerr.Error
		if !errors.As(err, &ie) {
			t.Fatalf("error %v (%T) is not an *inputerr.Error", err, err)
		}
		if ie.File != "fuzz" || ie.Offset < 0 || ie.Offset > int64(len(data)) && !decompressed(data) {
			t.Fatalf("error %v: bad location", err)
		}
	}
	lenient, lerr := load(Loader{SkipInvalid: true})
	switch {
	case err == nil && lerr != nil:
		t.Fatalf("strict load succeeded, lenient failed: %v", lerr)
	case err == nil && (lenient.Skipped != 0 || len(lenient.VRPs) != len(strict.VRPs)):
		t.Fatalf("lenient load of valid input skipped %d records", lenient.Skipped)
	case lerr == nil && lenient.Skipped < len(lenient.Problems):
		t.Fatalf("Skipped %d < %d problems", lenient.Skipped, len(lenient.Problems))
	}
	if lerr == nil {
		checkDump(t, lenient)
	}
}

// decompressed reports whether data is compressed, so that offsets may
// exceed its length.
func decompressed(data []byte) bool { return decompress.Detect(data) != decompress.Plain }

// checkDump checks the invariants of a loaded dump and of its snapshot.
func checkDump(t *testing.T, d *Dump) {
	for i, v := range d.VRPs {
		if err := v.Check(); err != nil {
			t.Fatalf("VRP %d %v passed the loader but fails Check: %v", i, v, err)
		}
	}
	for i, a := range d.ASPAs {
		if i > 0 && d.ASPAs[i-1].Customer >= a.Customer {
			t.Fatalf("ASPAs not sorted by customer: %v", d.ASPAs)
		}
		if !slices.IsSorted(a.Providers) || len(slices.Compact(slices.Clone(a.Providers))) != len(a.Providers) {
			t.Fatalf("providers of %v not sorted and distinct", a)
		}
	}
	s, err := d.Snapshot()
	if err != nil {
		t.Fatalf("Snapshot() of loaded VRPs: %v", err)
	}
	if s.Len() > len(d.VRPs) {
		t.Fatalf("snapshot has %d VRPs, dump %d", s.Len(), len(d.VRPs))
	}
	// Probe each VRP's own prefix, one bit longer and one shorter, with
	// its origin and another, against a linear scan.
	probes := d.VRPs[:min(len(d.VRPs), 64)]
	for _, v := range probes {
		for _, l := range []int{v.Prefix.Bits(), int(v.MaxLen), int(v.MaxLen) + 1, v.Prefix.Bits() - 1} {
			p, err := v.Prefix.Addr().Prefix(l)
			if err != nil {
				continue
			}
			for _, o := range []bgp.ASN{v.ASN, v.ASN + 1, 0} {
				gotLen, gotCov := s.MaxLength(p, o)
				wantLen, wantCov := linearMaxLength(d.VRPs, p, o)
				if gotLen != wantLen || gotCov != wantCov {
					t.Fatalf("MaxLength(%s, %s) = %d, %v; linear scan says %d, %v", p, o, gotLen, gotCov, wantLen, wantCov)
				}
			}
		}
	}
}

// linearMaxLength is the reference for Snapshot.MaxLength.
func linearMaxLength(vrps []VRP, p netip.Prefix, origin bgp.ASN) (int, bool) {
	best, covered := -1, false
	for _, v := range vrps {
		if v.Prefix.Bits() > p.Bits() || !v.Prefix.Contains(p.Addr()) {
			continue
		}
		covered = true
		if v.ASN != 0 && v.ASN == origin {
			best = max(best, int(v.MaxLen))
		}
	}
	return best, covered
}

// arraySeeds are bare JSON arrays of VRPs in their spellings.
var arraySeeds = []string{
	`[{"prefix":"1.1.1.0/24","maxLength":24,"asn":"13335"}]`,
	`[{"prefix":"192.0.2.0/24","asn":64496,"ta":"ripe"},{"prefix":"2001:db8::/32","max_length":48,"asn":"AS64497"}]`,
	"\n[\n  {\n    \"asn\": \"as4200000000\",\n    \"prefix\": \"198.51.100.0/22\",\n    \"maxLen\": \"23\"\n  }\n]\n",
	`[{"prefix":"10.0.0.0/8","asn":1},{"prefix":"10.0.0.0/33","asn":2},{"prefix":"11.0.0.0/8","asn":"x"}]`,
	`[{"prefix":"10.0.0.0/8","asn":1,"MAXLEN":9,"Max_Length":10}] x`, `[1,"a",null,[],{}]`, `[`, `[]`,
}

// FuzzLoadArray drives the bare-array reader directly, whatever the first
// byte: the loader's contract (checkLoad), a lenient Damaged log that
// never fails, and the fast path against encoding/json's reflection.
func FuzzLoadArray(f *testing.F) {
	for _, s := range arraySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, data, func(l Loader) (*Dump, error) {
			return readJSONArray(context.Background(), l, bytes.NewReader(data), "fuzz", 0)
		})
		var log inputerr.Log
		d, err := readJSONArray(context.Background(), Loader{Damaged: &log}, bytes.NewReader(data), "fuzz", 0)
		if err != nil {
			t.Fatalf("lenient Damaged log: %v", err)
		}
		if int64(d.Skipped) != log.Count() {
			t.Fatalf("Skipped %d, log counts %d", d.Skipped, log.Count())
		}
		checkDump(t, d)
		for _, l := range []Loader{{}, {SkipInvalid: true}} {
			walk := (*jsonDecoder).bareArray
			fast, ferr := decodeJSONWith(context.Background(), l, bytes.NewReader(data), "fuzz", 0, false, walk)
			slow, serr := decodeJSONWith(context.Background(), l, bytes.NewReader(data), "fuzz", 0, true, walk)
			if fmt.Sprint(ferr) != fmt.Sprint(serr) {
				t.Fatalf("%+v: fast path error %v, reflection error %v", l, ferr, serr)
			}
			if diff := cmp.Diff(slow, fast,
				cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
				cmp.Comparer(func(a, b error) bool { return fmt.Sprint(a) == fmt.Sprint(b) }),
			); diff != "" {
				t.Fatalf("%+v: fast path mismatch (-reflection +fast):\n%s", l, diff)
			}
		}
	})
}
