package dataset

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func paths(fs []File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	slices.Sort(out)
	return out
}

func TestSelect(t *testing.T) {
	may := date("2014-05-01")
	files := []File{
		{Path: "d/2014/apnic", Kind: KindDelegated, Group: "apnic", Date: date("2014-05-21")},
		{Path: "d/2019/apnic", Kind: KindDelegated, Group: "apnic", Date: date("2019-09-11")},
		{Path: "d/2013/arin", Kind: KindDelegated, Group: "arin", Date: date("2013-08-12")},
		{Path: "d/2019/afrinic", Kind: KindDelegated, Group: "afrinic", Date: date("2019-09-11")},
		{Path: "d/2026/afrinic", Kind: KindDelegated, Group: "afrinic", Date: date("2026-05-05")},
		{Path: "d/nro-2016", Kind: KindDelegated, Group: AllGroups, Date: date("2016-04-06")},
		// Ties: one day before and one day after the month are as near;
		// the one before wins. Two dates in the month: the later.
		{Path: "v/0430", Kind: KindVRP, Date: date("2014-04-30")},
		{Path: "v/0601", Kind: KindVRP, Date: date("2014-06-01")},
		{Path: "i/0501", Kind: KindIRR, Group: "RIPE", Date: date("2014-05-01")},
		{Path: "i/0520", Kind: KindIRR, Group: "RIPE", Date: date("2014-05-20")},
		{Path: "i/0520-6", Kind: KindIRR, Group: "RIPE", Date: date("2014-05-20")},
		{Path: "i/undated", Kind: KindIRR, Group: "RIPE"},
		{Path: "i/radb", Kind: KindIRR, Group: "RADB", Date: date("2019-01-01")},
		// Undated files of a group without dated ones are used.
		{Path: "n/a", Kind: KindASNames},
		{Path: "n/b", Kind: KindASNames},
		{Path: "m/rib", Kind: KindMRT, Date: date("2020-01-01")},
		{Path: "x", Kind: KindUnknown},
	}
	used, notUsed := Select(files, may)
	want := []string{"d/2013/arin", "d/2014/apnic", "d/2019/afrinic", "d/nro-2016", "i/0520", "i/0520-6", "i/radb", "m/rib", "n/a", "n/b", "v/0430", "x"}
	if got := paths(used); !slices.Equal(got, want) {
		t.Errorf("used %v\nwant %v", got, want)
	}
	for _, f := range used {
		if f.Path == "d/nro-2016" {
			slices.Sort(f.Exclude)
			if !slices.Equal(f.Exclude, []string{"afrinic", "apnic", "arin"}) {
				t.Errorf("the NRO file excludes %v, want the registries with files of their own", f.Exclude)
			}
		}
	}
	reasons := map[string]string{}
	for _, n := range notUsed {
		reasons[n.Path] = n.Reason
	}
	for path, want := range map[string]string{
		"d/2019/apnic":   "apnic: 2019-09-11 is 5 years 4 months from 2014-05; nearer: 2014-05-21",
		"d/2026/afrinic": "afrinic: 2026-05-05 is 12 years from 2014-05; nearer: 2019-09-11",
		"v/0601":         "2014-06-01 is 1 month from 2014-05; as near and known by the month's end: 2014-04-30",
		"i/0501":         "RIPE: 2014-05-01 is in the month from 2014-05; as near and known by the month's end: 2014-05-20",
		"i/undated":      "RIPE: undated, and dated snapshots exist; used: 2014-05-20",
	} {
		if reasons[path] != want {
			t.Errorf("%s: reason %q, want %q", path, reasons[path], want)
		}
	}
	if len(notUsed) != 5 {
		t.Errorf("%d not used, want 5: %+v", len(notUsed), notUsed)
	}

	// A pinned file replaces the others of its group, whatever its date.
	files[1].Pinned = true
	used, notUsed = Select(files, may)
	if !slices.Contains(paths(used), "d/2019/apnic") || slices.Contains(paths(used), "d/2014/apnic") {
		t.Errorf("pinned: used %v", paths(used))
	}
	for _, n := range notUsed {
		if n.Path == "d/2014/apnic" && !strings.Contains(n.Reason, "named explicitly: d/2019/apnic") {
			t.Errorf("reason %q", n.Reason)
		}
	}

	// No month: everything.
	if used, notUsed := Select(files, time.Time{}); len(used) != len(files) || notUsed != nil {
		t.Errorf("zero month: %d used, %d not", len(used), len(notUsed))
	}
}

func TestDescribe(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"2014/delegated-apnic-latest": "2|apnic|20140522|1|19850701|20140521|+1000\napnic|JP|asn|173|1|20020801|allocated\n",
		"nro-x.txt":                   "2|nro|20160406|1|19821213|20160406|+0000\napnic|JP|asn|173|1|20020801|allocated\n",
		"roas-2016.csv":               "ASN,IP Prefix,Max Length\nAS31207,86.106.22.0/24,24\n",
		"fullbogons-ipv6.txt":         "# last updated 1647435002 (Wed Mar 16 12:50:02 2022 GMT)\n::/8\n100::/8\n",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range map[string]File{
		"2014/delegated-apnic-latest": {Kind: KindDelegated, Group: "apnic", Date: date("2014-05-21")},
		"nro-x.txt":                   {Kind: KindDelegated, Group: AllGroups, Date: date("2016-04-06")},
		"roas-2016.csv":               {Kind: KindVRP, Date: date("2016-01-01")},
		"fullbogons-ipv6.txt":         {Kind: KindBogons, Group: "ipv6", Date: time.Unix(1647435002, 0).UTC()},
	} {
		f, err := Identify(context.Background(), filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if f.Kind != want.Kind || f.Group != want.Group || !f.Date.Equal(want.Date) {
			t.Errorf("%s: kind %s group %q date %s, want %s %q %s", name, f.Kind, f.Group, f.Date, want.Kind, want.Group, want.Date)
		}
	}
}
