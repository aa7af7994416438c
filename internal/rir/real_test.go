package rir

import (
	"bufio"
	"context"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/testenv"
)

// real lists the delegated files of shared data with their record
// counts per type. PROVENANCE.md counts lines per type, summary line
// included, so its figures are one higher (e.g. APNIC 2014: "5,699 asn"
// lines = 5,698 records + the summary).
type realFile struct {
	rel           string
	asn, v4, v6   int
	mismatches    []Mismatch
	skippedLines  []int64
	skippedOffset []int64
}

var real = []realFile{
	{rel: "rir-delegated/2013/delegated-arin-latest", asn: 22263, v4: 46593, v6: 3563},
	{rel: "rir-delegated/2014/delegated-apnic-latest", asn: 5698, v4: 23412, v6: 3446},
	{rel: "rir-delegated/2014/delegated-lacnic-latest", asn: 4162, v4: 8366, v6: 2590},
	{rel: "rir-delegated/2014/delegated-ripencc-latest", asn: 26362, v4: 50046, v6: 9128},
	{rel: "rir-delegated/2019/delegated-afrinic-extended-latest", asn: 2302, v4: 3994, v6: 3647},
	{rel: "rir-delegated/2019/delegated-apnic-latest", asn: 9493, v4: 43156, v6: 9561},
	{rel: "rir-delegated/2019/delegated-lacnic-extended-latest", asn: 10461, v4: 17013, v6: 38175},
	{rel: "rir-delegated/2026/delegated-afrinic-extended-latest", asn: 4350, v4: 5958, v6: 8978},
	{
		// The first 1,006 lines are a complete file whose summaries (133 asn,
		// 781 ipv4, 59 ipv6 = 973 records) match exactly. Line 1007 starts
		// mid-record ("|3|19990401|arin") and 1,557 more records follow, a
		// fragment of another copy of the file appended to it.
		rel: "rir-delegated/2019/delegated-iana-latest", asn: 1194, v4: 1220, v6: 116,
		mismatches: []Mismatch{
			{What: "records", Stated: 973, Found: 2530},
			{What: "asn", Stated: 133, Found: 1194},
			{What: "ipv4", Stated: 781, Found: 1220},
			{What: "ipv6", Stated: 59, Found: 116},
		},
		skippedLines: []int64{1007}, skippedOffset: []int64{44705},
	},
	{
		// An 18-line excerpt of the NRO combined file: the header and
		// summaries still describe the whole file.
		rel: "rir-delegated/nro-extended-sample-20160406.txt", asn: 4, v4: 7, v6: 4,
		mismatches: []Mismatch{
			{What: "records", Stated: 395402, Found: 15},
			{What: "asn", Stated: 74480, Found: 4},
			{What: "ipv4", Stated: 166309, Found: 7},
			{What: "ipv6", Stated: 154613, Found: 4},
		},
	},
}

// countNaive counts record lines per type with strings.Split: the oracle.
func countNaive(t *testing.T, path string) map[Type]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := map[Type]int{}
	sc := bufio.NewScanner(f)
	header := true
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if header {
			header = false
			continue
		}
		f := strings.Split(line, "|")
		if len(f) < 7 || f[5] == "summary" {
			continue
		}
		c[Type(f[2])]++
	}
	return c
}

func TestLoadFile_real(t *testing.T) {
	for _, rf := range real {
		t.Run(rf.rel, func(t *testing.T) {
			path := testenv.File(t, rf.rel)
			f, err := LoadFile(context.Background(), path, Options{SkipMalformed: true})
			if err != nil {
				t.Fatalf("LoadFile(context.Background(), ) error: %v", err)
			}
			want := map[Type]int{ASN: rf.asn, IPv4: rf.v4, IPv6: rf.v6}
			if diff := cmp.Diff(want, f.Counts()); diff != "" {
				t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(countNaive(t, path), f.Counts()); diff != "" {
				t.Errorf("Counts() differs from a naive count (-naive +got):\n%s", diff)
			}
			if diff := cmp.Diff(rf.mismatches, f.CheckSummaries()); diff != "" {
				t.Errorf("CheckSummaries() mismatch (-want +got):\n%s", diff)
			}
			var lines, offsets []int64
			for _, e := range f.Skipped {
				lines, offsets = append(lines, e.Record), append(offsets, e.Offset)
			}
			if diff := cmp.Diff([][]int64{rf.skippedLines, rf.skippedOffset}, [][]int64{lines, offsets}); diff != "" {
				t.Errorf("Skipped mismatch (-want +got):\n%s", diff)
			}
			if len(rf.skippedLines) > 0 {
				if _, err := LoadFile(context.Background(), path, Options{}); err == nil {
					t.Errorf("strict LoadFile(context.Background(), ) accepted the malformed line")
				}
			}
			if !strings.Contains(rf.rel, "iana") {
				checkIndexCoversRecords(t, f)
			}
		})
	}
}

// checkIndexCoversRecords looks up both ends of every record in an index
// of its own file (where records do not overlap) and checks the prefix
// split covers exactly Value addresses.
func checkIndexCoversRecords(t *testing.T, f *File) {
	t.Helper()
	ix := NewIndex(f)
	for _, r := range f.Records {
		want := Delegation{Registry: r.Registry, CC: r.CC, Status: r.Status, Date: r.Date, OpaqueID: r.OpaqueID}
		var got []Delegation
		switch r.Type {
		case ASN:
			d1, _, ok1 := ix.ASN(r.FirstASN)
			d2, _, ok2 := ix.ASN(r.LastASN())
			if !ok1 || !ok2 {
				t.Fatalf("ASN lookup of %v failed", r)
			}
			got = []Delegation{d1, d2}
		case IPv4:
			ps := r.Prefixes()
			var n uint64
			for _, p := range ps {
				n += 1 << (32 - p.Bits())
			}
			if n != r.Value {
				t.Fatalf("%v: prefixes %v cover %d addresses", r, ps, n)
			}
			d1, ok1 := ix.Addr(r.Start)
			d2, ok2 := ix.Addr(ps[len(ps)-1].Masked().Addr().Next().Prev())
			if !ok1 || !ok2 {
				t.Fatalf("address lookup of %v failed", r)
			}
			got = []Delegation{d1, d2}
		case IPv6:
			d, m, ok := ix.Prefix(netip.PrefixFrom(r.Start, int(r.Value)))
			if !ok || m.Bits() != int(r.Value) {
				t.Fatalf("prefix lookup of %v = %v, %v", r, m, ok)
			}
			got = []Delegation{d, d}
		}
		if got[0] != want || got[1] != want {
			t.Fatalf("lookup of %v mismatch (-want +got):\n%s", r, cmp.Diff([]Delegation{want, want}, got))
		}
	}
}

func TestLoadFile_realStatuses(t *testing.T) {
	// PROVENANCE: LACNIC 2019 "includes 20,123 available and 9,807 reserved
	// rows besides allocated/assigned".
	f, err := LoadFile(context.Background(), testenv.File(t, "rir-delegated/2019/delegated-lacnic-extended-latest"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[Status]int{}
	for _, r := range f.Records {
		got[r.Status]++
	}
	want := map[Status]int{Allocated: 9984 + 14083 + 8127, Assigned: 2427 + 1098, Available: 20123, Reserved: 9807}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status counts mismatch (-want +got):\n%s", diff)
	}
}

func TestIndex_real2019(t *testing.T) {
	var files []*File
	for _, rel := range []string{
		"rir-delegated/2019/delegated-iana-latest",
		"rir-delegated/2019/delegated-afrinic-extended-latest",
		"rir-delegated/2019/delegated-apnic-latest",
		"rir-delegated/2019/delegated-lacnic-extended-latest",
	} {
		f, err := LoadFile(context.Background(), testenv.File(t, rel), Options{SkipMalformed: true})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	ix := NewIndex(files...)
	type res struct{ Registry, CC, Status, OpaqueID string }
	lookupP := func(p string) res {
		d, _, _ := ix.Prefix(netip.MustParsePrefix(p))
		return res{d.Registry, d.CC, string(d.Status), d.OpaqueID}
	}
	got := map[string]res{
		"1.1.1.0/24":     lookupP("1.1.1.0/24"),    // apnic|AU|ipv4|1.1.1.0|256|20110811|assigned
		"41.0.0.0/16":    lookupP("41.0.0.0/16"),   // afrinic|ZA|ipv4|41.0.0.0|2097152|20071126|allocated|F364712F
		"24.152.0.0/17":  lookupP("24.152.0.0/17"), // lacnic||ipv4|24.152.0.0|32768||reserved|
		"8.8.8.0/24":     lookupP("8.8.8.0/24"),    // ARIN legacy space, only IANA's /8 in 2019 set
		"2001:db8::/32":  lookupP("2001:db8::/32"),
		"AS37100":        func() res { d, _, _ := ix.ASN(37100); return res{d.Registry, d.CC, string(d.Status), d.OpaqueID} }(),
		"AS4608":         func() res { d, _, _ := ix.ASN(4608); return res{d.Registry, d.CC, string(d.Status), d.OpaqueID} }(),
		"AS4294967295":   func() res { d, _, _ := ix.ASN(4294967295); return res{d.Registry, d.CC, string(d.Status), d.OpaqueID} }(),
		"AS15169 (ARIN)": func() res { d, _, _ := ix.ASN(15169); return res{d.Registry, d.CC, string(d.Status), d.OpaqueID} }(),
	}
	want := map[string]res{
		"1.1.1.0/24":     {"apnic", "AU", "assigned", ""},
		"41.0.0.0/16":    {"afrinic", "ZA", "allocated", "F364712F"},
		"24.152.0.0/17":  {"lacnic", "", "reserved", ""},
		"8.8.8.0/24":     {"iana", "ZZ", "arin", ""},
		"2001:db8::/32":  {"iana", "ZZ", "apnic", ""}, // inside 2001:c00::/23, IANA -> APNIC
		"AS37100":        {"afrinic", "MU", "allocated", "F365C741"},
		"AS4608":         {"apnic", "AU", "allocated", ""},
		"AS4294967295":   {"iana", "ZZ", "ietf", ""},
		"AS15169 (ARIN)": {"iana", "ZZ", "arin", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lookups mismatch (-want +got):\n%s", diff)
	}
}

func TestReadIANAv4_real(t *testing.T) {
	f, err := os.Open(testenv.File(t, "iana/ipv4-address-space-2013.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blocks, err := ReadIANAv4(f, "ipv4-address-space-2013.txt", nil)
	if err != nil {
		t.Fatalf("ReadIANAv4() error: %v", err)
	}
	count := map[string]int{}
	for i, b := range blocks {
		if b.Prefix.Addr().As4()[0] != byte(i) {
			t.Errorf("block %d is %v", i, b.Prefix)
		}
		count[b.Status]++
	}
	// grep -E '^\s+[0-9]{3}/8' | grep -oE 'ALLOCATED|LEGACY|RESERVED|UNALLOCATED' | sort | uniq -c
	want := map[string]int{"ALLOCATED": 129, "LEGACY": 92, "RESERVED": 35}
	if diff := cmp.Diff(want, count); diff != "" {
		t.Errorf("status counts mismatch (-want +got):\n%s", diff)
	}
}
