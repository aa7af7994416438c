package rpki_test

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/rpki"
)

// cmpOpts compares netip values by value and treats nil and empty slices
// alike.
var cmpOpts = []cmp.Option{
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
	cmpopts.EquateEmpty(),
}

func vrp(prefix string, maxLen uint8, asn bgp.ASN, ta string) rpki.VRP {
	return rpki.VRP{Prefix: netip.MustParsePrefix(prefix), MaxLen: maxLen, ASN: asn, TA: ta}
}

// rpkiClient82 is the shape of rpki-client 8.2 output (real-peers.md §6):
// quoted metadata times, integer ASNs, ASPA split by address family.
const rpkiClient82 = `{
	"metadata": {
		"buildmachine": "vm",
		"elapsedtime": "0", "usertime": "0", "systemtime": "0",
		"roas": 2, "talfiles": [ "/etc/tals/ripe.tal" ], "vrps": 2
	},
	"roas": [
		{ "asn": 64496, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "ripe", "expires": 1700000000 },
		{ "asn": 4200000000, "prefix": "2001:db8::/32", "maxLength": 48, "ta": "ripe", "expires": 1700000000 }
	],
	"bgpsec_keys": [ { "asn": 64496, "ski": "00", "pubkey": "AA==", "ta": "ripe", "expires": 1 } ],
	"provider_authorizations": {
		"ipv4": [ { "customer_asid": 64496, "providers": [ 64511, 64500 ], "expires": 1 },
		          { "customer_asid": 64497, "providers": [ 0 ], "expires": 1 } ],
		"ipv6": [ { "customer_asid": 64496, "providers": [ 64502, 64500 ], "expires": 1 } ]
	}
}`

// rpkiClient9 is the 8.5+ shape: integer metadata, top-level aspas.
const rpkiClient9 = `{"metadata":{"buildtime":"2025-01-01T00:00:00Z","elapsedtime":3,"vrps":1,"talfiles":["a.tal"]},
"roas":[{"asn":64496,"prefix":"198.51.100.0/22","maxLength":24,"ta":"arin","expires":1}],
"aspas":[{"customer_asid":64496,"expires":1,"providers":[64502,64501,64502]}],
"nonfunc_cas":[{"location":"rsync://x","ta":"arin","caRepository":"r","rpkiManifest":"m","ski":"s"}]}`

// routinatorJSONExt is Routinator's jsonext: "AS" strings, trust anchor in
// the source list, aspas with string providers.
const routinatorJSONExt = `{
  "metadata": { "generated": 1700000000, "generatedTime": "2023-11-14T22:13:20Z" },
  "roas": [
    { "asn": "AS13335", "prefix": "1.1.1.0/24", "maxLength": 24, "source": [
      { "type": "roa", "uri": "rsync://rpki.apnic.net/x.roa", "tal": "apnic",
        "validity": { "notBefore": "2023-01-01T00:00:00Z", "notAfter": "2024-01-01T00:00:00Z" },
        "chainValidity": { "notBefore": "2023-01-01T00:00:00Z", "notAfter": "2024-01-01T00:00:00Z" } } ] },
    { "asn": "AS1234", "prefix": "12.34.56.0/24", "maxLength": 24, "source": [ { "type": "exception", "path": null } ] }
  ],
  "routerKeys": [],
  "aspas": [
    { "customer": "AS1234", "providers": ["AS1", "AS2(v4)", "AS3(v6)"], "source": [ { "type": "exception", "path": null } ] }
  ]
}`

// cloudflareJSON is the Cloudflare/stayrtr/rtrdump shape.
const cloudflareJSON = `{"metadata":{"generated":1582000000,"valid":1582003600,"signature":"x","signatureDate":"y"},
"roas":[{"prefix":"1.0.0.0/24","maxLength":24,"asn":"AS13335","ta":"apnic"},
{"prefix":"2606:4700::/32","maxLength":48,"asn":"AS13335","ta":"arin"}]}`

func TestRead(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  *rpki.Dump
	}{
		{"rpki-client 8.2", rpkiClient82, &rpki.Dump{
			Format: rpki.FormatJSON,
			VRPs:   []rpki.VRP{vrp("192.0.2.0/24", 24, 64496, "ripe"), vrp("2001:db8::/32", 48, 4200000000, "ripe")},
			ASPAs: []rpki.ASPA{
				{Customer: 64496, Providers: []bgp.ASN{64500, 64502, 64511}}, // union of ipv4 and ipv6
				{Customer: 64497, Providers: []bgp.ASN{0}},
			},
		}},
		{"rpki-client 9", rpkiClient9, &rpki.Dump{
			Format: rpki.FormatJSON,
			VRPs:   []rpki.VRP{vrp("198.51.100.0/22", 24, 64496, "arin")},
			ASPAs:  []rpki.ASPA{{Customer: 64496, Providers: []bgp.ASN{64501, 64502}}},
		}},
		{"Routinator jsonext", routinatorJSONExt, &rpki.Dump{
			Format: rpki.FormatJSON,
			VRPs:   []rpki.VRP{vrp("1.1.1.0/24", 24, 13335, "apnic"), vrp("12.34.56.0/24", 24, 1234, "")},
			ASPAs:  []rpki.ASPA{{Customer: 1234, Providers: []bgp.ASN{1, 2, 3}}},
		}},
		{"Cloudflare JSON", cloudflareJSON, &rpki.Dump{
			Format: rpki.FormatJSON,
			VRPs:   []rpki.VRP{vrp("1.0.0.0/24", 24, 13335, "apnic"), vrp("2606:4700::/32", 48, 13335, "arin")},
		}},
		{"JSON quoted numbers, missing maxLength, null arrays", `{"roas":[{"asn":"64496","prefix":"192.0.2.0/24","maxLength":"25"},{"asn":1,"prefix":"10.0.0.0/8"}],"aspas":null,"provider_authorizations":{"ipv4":null}}`, &rpki.Dump{
			Format: rpki.FormatJSON,
			VRPs:   []rpki.VRP{vrp("192.0.2.0/24", 25, 64496, ""), vrp("10.0.0.0/8", 8, 1, "")},
		}},
		{"JSON empty object", `{}`, &rpki.Dump{Format: rpki.FormatJSON}},
		{"JSON with BOM and leading space", "\xef\xbb\xbf \n" + `{"roas":[{"asn":1,"prefix":"10.0.0.0/8","maxLength":8}]}`, &rpki.Dump{
			Format: rpki.FormatJSON,
			VRPs:   []rpki.VRP{vrp("10.0.0.0/8", 8, 1, "")},
		}},
		{"rpki-client CSV", "ASN,IP Prefix,Max Length,Trust Anchor,Expires\nAS64496,192.0.2.0/24,24,ripe,1700000000\nAS0,2001:db8::/32,32,arin,1700000000\n", &rpki.Dump{
			Format: rpki.FormatCSV,
			VRPs:   []rpki.VRP{vrp("192.0.2.0/24", 24, 64496, "ripe"), vrp("2001:db8::/32", 32, 0, "arin")},
		}},
		{"Routinator CSV with CRLF", "ASN,IP Prefix,Max Length,Trust Anchor\r\nAS13335,1.1.1.0/24,24,apnic\r\n", &rpki.Dump{
			Format: rpki.FormatCSV,
			VRPs:   []rpki.VRP{vrp("1.1.1.0/24", 24, 13335, "apnic")},
		}},
		{"RIPE NCC validator quoted CSV", "\"ASN\",\"IP Prefix\",\"Max Length\",\"Trust Anchor\"\n\"AS3333\",\"193.0.0.0/21\",\"21\",\"RIPE NCC RPKI Root\"\n", &rpki.Dump{
			Format: rpki.FormatCSV,
			VRPs:   []rpki.VRP{vrp("193.0.0.0/21", 21, 3333, "RIPE NCC RPKI Root")},
		}},
		{"CSV header without trust anchor", "ASN,IP Prefix,Max Length\nAS31207,86.106.22.0/24,24\n", &rpki.Dump{
			Format: rpki.FormatCSV,
			VRPs:   []rpki.VRP{vrp("86.106.22.0/24", 24, 31207, "")},
		}},
		{"CSV header in another order, extra columns", "URI,IP Prefix,Max Length,Not Before,ASN\nrsync://x,10.0.0.0/8,16,2020,AS7\n", &rpki.Dump{
			Format: rpki.FormatCSV,
			VRPs:   []rpki.VRP{vrp("10.0.0.0/8", 16, 7, "")},
		}},
		{"headerless CSV, plain ASN, comments and blank lines", "# exported\n\n64496, 192.0.2.0/24, 24\n  \n64497,198.51.100.0/24,25,lacnic\n# end\n", &rpki.Dump{
			Format: rpki.FormatCSV,
			VRPs:   []rpki.VRP{vrp("192.0.2.0/24", 24, 64496, ""), vrp("198.51.100.0/24", 25, 64497, "lacnic")},
		}},
		{"headerless CSV with Expires, no final newline", "AS64496,192.0.2.0/24,24,ripe,1700000000", &rpki.Dump{
			Format: rpki.FormatCSV,
			VRPs:   []rpki.VRP{vrp("192.0.2.0/24", 24, 64496, "ripe")},
		}},
		{"address, length, max-length, asn", "1.120.0.0, 13, 13, 1221\n2a01:c000::, 19, 48, 5511\n\n \n", &rpki.Dump{
			Format: rpki.FormatCSV,
			VRPs:   []rpki.VRP{vrp("1.120.0.0/13", 13, 1221, ""), vrp("2a01:c000::/19", 48, 5511, "")},
		}},
		{"header only", "ASN,IP Prefix,Max Length,Trust Anchor,Expires\n", &rpki.Dump{Format: rpki.FormatCSV}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rpki.Read(context.Background(), strings.NewReader(tt.input), "test")
			if err != nil {
				t.Fatalf("Read() error: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpOpts...); diff != "" {
				t.Errorf("Read() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRead_compressed(t *testing.T) {
	want := &rpki.Dump{
		Format: rpki.FormatJSON,
		VRPs:   []rpki.VRP{vrp("1.0.0.0/24", 24, 13335, "apnic"), vrp("2606:4700::/32", 48, 13335, "arin")},
	}
	var gz, zs bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write([]byte(cloudflareJSON))
	gw.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write([]byte(cloudflareJSON))
	zw.Close()
	for name, in := range map[string][]byte{"gzip": gz.Bytes(), "zstd": zs.Bytes(), "bzip2": bzip2ROA} {
		t.Run(name, func(t *testing.T) {
			got, err := rpki.Read(context.Background(), bytes.NewReader(in), name)
			if err != nil {
				t.Fatalf("Read() error: %v", err)
			}
			w := want
			if name == "bzip2" {
				w = &rpki.Dump{Format: rpki.FormatCSV, VRPs: []rpki.VRP{vrp("192.0.2.0/24", 24, 64496, "ripe")}}
			}
			if diff := cmp.Diff(w, got, cmpOpts...); diff != "" {
				t.Errorf("Read() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// bzip2ROA is `bzip2 -9` of "ASN,IP Prefix,Max Length,Trust Anchor\nAS64496,192.0.2.0/24,24,ripe\n".
var bzip2ROA = []byte{
	0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0x27, 0xf3, 0x96, 0x09, 0x00, 0x00,
	0x0f, 0xdf, 0x80, 0x00, 0x10, 0x40, 0x05, 0xf5, 0x20, 0x20, 0x27, 0x4c, 0x00, 0x2b, 0xe1, 0xde,
	0x40, 0x20, 0x00, 0x54, 0x63, 0x09, 0x82, 0x64, 0xc9, 0x80, 0x46, 0x8c, 0xd0, 0x8a, 0x69, 0xe4,
	0x80, 0x3d, 0x4c, 0x4f, 0x53, 0xd4, 0xf5, 0x06, 0x9a, 0x13, 0x5a, 0x7c, 0x86, 0x68, 0x5d, 0x0c,
	0x03, 0x40, 0x30, 0x38, 0xd7, 0x01, 0x78, 0x61, 0x6d, 0x8b, 0x21, 0x88, 0x4a, 0xe7, 0x39, 0xe8,
	0x28, 0x04, 0xb3, 0xa6, 0xec, 0xc4, 0xde, 0xf1, 0x75, 0x1a, 0x9f, 0xe2, 0xfd, 0x7c, 0x00, 0x0b,
	0x04, 0xe8, 0x5d, 0xc9, 0x14, 0xe1, 0x42, 0x40, 0x9f, 0xce, 0x58, 0x24,
}

func TestRead_errors(t *testing.T) {
	bad4 := "ASN,IP Prefix,Max Length\nAS1,10.0.0.0/8,8\nAS2,10.0.0.0/8,7\n"
	tests := []struct {
		name       string
		input      string
		wantRecord int64
		wantOffset int64
		wantErr    string
	}{
		{"maxLength shorter than prefix (CSV)", bad4, 3, int64(strings.Index(bad4, "AS2")), "maxLength: 7 is shorter than prefix 10.0.0.0/8"},
		{"maxLength beyond address bits (CSV)", "AS1,10.0.0.0/8,33\n", 1, 0, "maxLength: 33 exceeds the 32 address bits"},
		{"maxLength not a number (CSV)", "AS1,10.0.0.0/8,x\n", 1, 0, `maxLength "x" is not a number`},
		{"bad ASN (CSV)", "AS1,10.0.0.0/8,8\nASx,10.0.0.0/8,8\n", 2, 17, `bad AS number: "ASx"`},
		{"negative ASN (CSV)", "1.0.0.0, 24, 24, 13335\n130.137.103.0, 24, 24, -6\n", 2, 23, `bad AS number: "-6"`},
		{"host bits set (CSV)", "AS1,10.0.0.1/8,8\n", 1, 0, "10.0.0.1/8 has host bits set"},
		{"bad prefix (CSV)", "AS1,10.0.0.0/8,8\nAS1,10.0.0/8,8\n", 2, 17, `bad prefix: "10.0.0/8"`},
		{"too few fields (CSV)", "ASN,IP Prefix,Max Length\nAS1,10.0.0.0/8\n", 2, 25, "want at least 3 fields, found 2"},
		{"split layout length too long", "10.0.0.0, 33, 33, 1\n", 1, 0, `length "33"`},
		{"unknown CSV layout", "hello world\n", 1, 0, "unrecognised CSV layout"},
		{"CSV layout starting with a prefix", "10.0.0.0/8,8,AS1\n", 1, 0, "unrecognised CSV layout"},
		{"empty input", "", 0, 0, "no data"},
		{"blank input", " \n\t\n", 0, 4, "no data"},
		{"bad ASN (JSON)", `{"roas":[{"asn":1,"prefix":"10.0.0.0/8","maxLength":8}, {"asn":-1,"prefix":"10.0.0.0/8","maxLength":8}]}`, 2, 56, "roas element 2: bad AS number: -1"},
		{"ASN out of range (JSON)", `{"roas":[{"asn":4294967296,"prefix":"10.0.0.0/8","maxLength":8}]}`, 1, 9, "bad AS number: 4294967296"},
		{"maxLength too long (JSON)", "{\"roas\": [\n\t{\"asn\":1,\"prefix\":\"10.0.0.0/8\",\"maxLength\":8},\n\t{\"asn\":1,\"prefix\":\"10.0.0.0/8\",\"maxLength\":33}]}", 2, 60, "roas element 2: bad maxLength: 33 exceeds the 32 address bits"},
		{"maxLength huge (JSON)", `{"roas":[{"asn":1,"prefix":"10.0.0.0/8","maxLength":300}]}`, 1, 9, "bad maxLength: 300"},
		{"maxLength negative (JSON)", `{"roas":[{"asn":1,"prefix":"10.0.0.0/8","maxLength":-8}]}`, 1, 9, "want a non-negative integer"},
		{"missing prefix (JSON)", `{"roas":[{"asn":1,"maxLength":8}]}`, 1, 9, "missing prefix"},
		{"missing asn (JSON)", `{"roas":[{"prefix":"10.0.0.0/8"}]}`, 1, 9, "missing asn"},
		{"prefix wrong type (JSON)", `{"roas":[{"asn":1,"prefix":10}]}`, 1, 9, "bad prefix: want a string, found 10"},
		{"element not an object (JSON)", `{"roas":[1]}`, 1, 9, "want an object"},
		{"ta wrong type (JSON)", `{"roas":[{"asn":1,"prefix":"10.0.0.0/8","ta":[]}]}`, 1, 9, "ta: want a string"},
		{"source wrong type (JSON)", `{"roas":[{"asn":1,"prefix":"10.0.0.0/8","source":{}}]}`, 1, 9, "field source: found JSON object"},
		{"roas not an array (JSON)", `{"roas":{}}`, 0, 8, "roas: want an array"},
		{"ASPA without customer (JSON)", `{"aspas":[{"providers":[1]}]}`, 1, 10, "aspas element 1: missing customer_asid"},
		{"ASPA bad provider (JSON)", `{"provider_authorizations":{"ipv6":[{"customer_asid":1,"providers":["ASx"]}]}}`, 1, 36, `provider_authorizations.ipv6 element 1: bad AS number: "ASx"`},
		{"syntax error in element (JSON)", `{"roas":[{"asn":1,"prefix":"10.0.0.0/8",}]}`, 1, 9, "invalid character '}'"},
		{"truncated element (JSON)", `{"roas":[{"asn":1,"prefix":"10.0.0.0/8"`, 1, 9, "truncated"},
		{"truncated document (JSON)", `{"roas":[{"asn":1,"prefix":"10.0.0.0/8"}`, 0, 40, "truncated"},
		{"trailing data (JSON)", `{"roas":[]} {}`, 0, 12, "unexpected data after the top-level object"},
		{"bare array element", `[{"asn":1}]`, 1, 1, "array element 1: missing prefix"},
		{"bare array, data after it", `[{"asn":1,"prefix":"10.0.0.0/8"}] x`, 0, 34, "unexpected data after the top-level array"},
		{"not VRPs", "hello world\n", 1, 0, `not a VRP file (expected rpki-client/Routinator JSON {"roas":[…]}, a bare JSON array of VRPs, or CSV ASN,IP Prefix,Max Length[,Trust Anchor]): saw "hello world\n"`},
		{"long line, not VRPs", "\x00\x01" + strings.Repeat("x", 70000), 1, 0, `not a VRP file (expected rpki-client/Routinator JSON {"roas":[…]}, a bare JSON array of VRPs, or CSV ASN,IP Prefix,Max Length[,Trust Anchor]): saw "\x00\x01xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"…`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rpki.Read(context.Background(), strings.NewReader(tt.input), "vrps.txt")
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Read() error = %v, want an *inputerr.Error", err)
			}
			got := struct {
				File           string
				Record, Offset int64
			}{ie.File, ie.Record, ie.Offset}
			want := struct {
				File           string
				Record, Offset int64
			}{"vrps.txt", tt.wantRecord, tt.wantOffset}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Read() error position mismatch (-want +got):\n%s\nerror: %v", diff, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Read() error = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoader_SkipInvalid(t *testing.T) {
	csv := "ASN,IP Prefix,Max Length\nAS1,10.0.0.0/8,8\nASx,10.0.0.0/8,8\nAS2,10.0.0.0/8,7\nAS3,11.0.0.0/8,8\n"
	json := `{"roas":[{"asn":1,"prefix":"10.0.0.0/8","maxLength":8},{"asn":"x"},{"asn":2,"prefix":"10.0.0.1/8"},{"asn":3,"prefix":"11.0.0.0/8"}],"aspas":[{"providers":[1]},{"customer_asid":5,"providers":[1]}]}`
	tests := []struct {
		name    string
		input   string
		want    []rpki.VRP
		aspas   int
		records []int64
	}{
		{"CSV", csv, []rpki.VRP{vrp("10.0.0.0/8", 8, 1, ""), vrp("11.0.0.0/8", 8, 3, "")}, 0, []int64{3, 4}},
		{"JSON", json, []rpki.VRP{vrp("10.0.0.0/8", 8, 1, ""), vrp("11.0.0.0/8", 8, 3, "")}, 1, []int64{2, 3, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := rpki.Loader{SkipInvalid: true}.Read(context.Background(), strings.NewReader(tt.input), "x")
			if err != nil {
				t.Fatalf("Read() error: %v", err)
			}
			if diff := cmp.Diff(tt.want, d.VRPs, cmpOpts...); diff != "" {
				t.Errorf("Read() VRPs mismatch (-want +got):\n%s", diff)
			}
			var records []int64
			for _, p := range d.Problems {
				records = append(records, p.Record)
			}
			if diff := cmp.Diff(tt.records, records); diff != "" || d.Skipped != len(tt.records) || len(d.ASPAs) != tt.aspas {
				t.Errorf("skipped %d records %v (-want +got):\n%s; ASPAs %d, want %d", d.Skipped, d.Problems, diff, len(d.ASPAs), tt.aspas)
			}
		})
	}
	// An element of broken syntax is skipped too: elements are told apart
	// by their brackets, so the rest of the document is still read.
	d, err := rpki.Loader{SkipInvalid: true}.Read(context.Background(), strings.NewReader(`{"roas":[{"asn":1,},{"asn":2,"prefix":"10.0.0.0/8"}]}`), "x")
	if err != nil || len(d.VRPs) != 1 || d.Skipped != 1 {
		t.Errorf("Read() of an element of broken syntax with SkipInvalid = %+v, %v; want 1 VRP and 1 skipped", d, err)
	}
}

func TestRead_canceled(t *testing.T) {
	var b strings.Builder
	for range 10000 {
		b.WriteString("AS1,10.0.0.0/8,8\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := rpki.Read(ctx, strings.NewReader(b.String()), "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Read() with a canceled context = %v, want context.Canceled", err)
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(b []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(b, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestRead_readError checks that a failing reader ends the load, with or
// without SkipInvalid (the fuzzer found a corrupt gzip stream that made a
// lenient load skip the same unreadable element forever).
func TestRead_readError(t *testing.T) {
	boom := errors.New("boom")
	for _, l := range []rpki.Loader{{}, {SkipInvalid: true}} {
		for name, data := range map[string]string{
			"roas":  `{"roas":[{"asn":1,"prefix":"10.0.0.0/8"}, {"asn":2,`,
			"aspas": `{"aspas":[{"customer_asid":1,"providers":[2]}, {"customer_asid":`,
			"csv":   "AS1,10.0.0.0/8,8\nAS2,",
		} {
			_, err := l.Read(context.Background(), &failingReader{[]byte(data), boom}, "x")
			if !errors.Is(err, boom) {
				t.Errorf("%s, SkipInvalid %v: Read() error = %v, want boom", name, l.SkipInvalid, err)
			}
		}
	}
}

// TestLoader_Damaged checks the rule for damaged records with a Damaged
// log: bad records, elements of broken syntax and the end of a truncated
// file are reported with their record and byte offset, the rest is kept.
func TestLoader_Damaged(t *testing.T) {
	tests := []struct {
		name  string
		input string
		vrps  int
		lines []string
	}{
		{"JSON, garbage and a truncated end",
			`{"roas":[{"asn":1,"prefix":"10.0.0.0/8"}, {"asn":2 garbage}, {"asn":3,"prefix":"11.0.0.0/8"}, {"asn":4,"pre`, 2,
			[]string{`vrps.json: 2 damaged records skipped: record 2 at byte offset 42: roas element 2: ` +
				`invalid character 'g' after object key:value pair (at byte offset 51); record 4 at byte offset 94: roas element 4: truncated`}},
		{"JSON cut between elements", `{"roas":[{"asn":1,"prefix":"10.0.0.0/8"},`, 1,
			[]string{`vrps.json: 1 damaged record skipped: record 0 at byte offset 41: truncated`}},
		{"CSV, a bad line and a cut last line", "ASN,IP Prefix,Max Length\nAS1,10.0.0.0/8,8\nASx,10.0.0.0/8,8\nAS3,11.0.0.0/8,8\nAS4,12.0", 2,
			[]string{`vrps.json: 2 damaged records skipped: record 3 at byte offset 42: bad AS number: "ASx"; ` +
				`record 5 at byte offset 76: want at least 3 fields, found 2`}},
		{"CSV of unknown layout", "hello world\n", 0,
			[]string{`vrps.json: 1 damaged record skipped: record 1 at byte offset 0: not a VRP file (expected rpki-client/Routinator JSON {"roas":[…]}, a bare JSON array of VRPs, or CSV ASN,IP Prefix,Max Length[,Trust Anchor]): saw "hello world\n" (unrecognised CSV layout: header "hello world" names no ASN or no prefix column)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log inputerr.Log
			d, err := rpki.Loader{Damaged: &log}.Read(context.Background(), strings.NewReader(tt.input), "vrps.json")
			if err != nil {
				t.Fatalf("Read() error: %v", err)
			}
			if len(d.VRPs) != tt.vrps {
				t.Errorf("Read() kept %d VRPs, want %d", len(d.VRPs), tt.vrps)
			}
			if diff := cmp.Diff(tt.lines, log.Lines()); diff != "" {
				t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
			}
			_, err = rpki.Loader{Damaged: &inputerr.Log{Strict: true}}.Read(context.Background(), strings.NewReader(tt.input), "vrps.json")
			if !errors.As(err, new(*inputerr.Error)) {
				t.Errorf("Read() with a strict log = %v, want the first damaged record", err)
			}
		})
	}
}
