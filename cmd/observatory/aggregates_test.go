package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestEngine_AggregatesROAStatsParticipants(t *testing.T) {
	db := smallDB(t) // ingested with smallParticipants

	// Every announcement has one origin: the ASN rows add up to the world.
	code, out := runCLI(t, "roa-stats", "--db", db, "--format", "csv")
	if code != 0 {
		t.Fatalf("roa-stats exit %d: %s", code, out)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string][3]int64{}
	for _, r := range rows[1:] {
		scope := r[0]
		if scope != "asn" && scope != "world" {
			continue
		}
		s := sums[scope+r[2]]
		for i := range 3 {
			n, _ := strconv.ParseInt(r[3+i], 10, 64)
			s[i] += n
		}
		sums[scope+r[2]] = s
	}
	for _, fam := range []string{"4", "6"} {
		if sums["asn"+fam] != sums["world"+fam] || sums["world"+fam] == [3]int64{} {
			t.Errorf("IPv%s: ASN rows add up to %v, world row %v", fam, sums["asn"+fam], sums["world"+fam])
		}
	}
	// A key filter, case-insensitive, and an unknown key.
	if code, out := runCLI(t, "roa-stats", "--db", db, "--scope", "economy", "--key", "nl", "--family", "4"); code != 0 || !strings.Contains(out, "economy  NL") {
		t.Errorf("roa-stats --key nl exit %d: %s", code, out)
	}
	if code, _ := runCLI(t, "roa-stats", "--db", db, "--key", "Atlantis"); code != 2 {
		t.Errorf("unknown key exit %d, want 2", code)
	}
	if code, _ := runCLI(t, "roa-stats", "--db", db, "--scope", "planet"); code != 2 {
		t.Errorf("unknown scope exit %d, want 2", code)
	}

	// The participants scope holds the netops and ixp programmes.
	code, out = runCLI(t, "aggregates", "--db", db, "--scope", "participants", "--format", "json")
	if code != 0 {
		t.Fatalf("aggregates exit %d: %s", code, out)
	}
	var doc struct {
		Month      string `json:"month"`
		Aggregates []struct {
			Key, Score                       string
			Value                            float64
			Ready, Aspiring, Lagging, NoData int
		} `json:"aggregates"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	networks := map[string]int{}
	for _, a := range doc.Aggregates {
		if a.Score == "filtering" {
			networks[a.Key] = a.Ready + a.Aspiring + a.Lagging + a.NoData
		}
	}
	if doc.Month != "2014-05" || networks["netops"] != 2 || networks["ixp"] != 1 {
		t.Errorf("participants aggregates: month %s, networks per programme %v, want netops 2, ixp 1", doc.Month, networks)
	}
	// The ASN records say who takes part.
	code, out = runCLI(t, "asn", "AS3333", "--db", db, "--format", "json")
	if code != 0 || !strings.Contains(out, `"participant": true`) {
		t.Errorf("asn AS3333 exit %d, want participant: %s", code, out)
	}
	// A damaged participant fails an ingest --strict with a located error,
	// which stores nothing new; without --strict it is skipped and
	// reported in the month's warnings, as any damaged input record.
	parts := filepath.Join(t.TempDir(), "participants.csv")
	if err := os.WriteFile(parts, []byte("organisation,asns\nA,ASX\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _ := runCLI(t, "ingest", "--db", db, "--data", smallData(t), "--month", "2014-06", "--quiet", "--strict", "--participants", parts); code != 2 {
		t.Errorf("ingest --strict with a damaged participant exit %d, want 2", code)
	}
	if code, _ := runCLI(t, "scores", "--db", db, "--month", "2014-06"); code != 2 {
		t.Errorf("a month was stored from a failed ingest (scores exit %d)", code)
	}
	if code, _ := runCLI(t, "ingest", "--db", db, "--data", smallData(t), "--month", "2014-06", "--quiet", "--participants", parts); code != 0 {
		t.Errorf("ingest with a damaged participant exit %d, want 0", code)
	}
	if code, out := runCLI(t, "months", "--db", db); code != 0 || !strings.Contains(out, parts+": 1 damaged record skipped: record 2 at byte offset 18") {
		t.Errorf("months does not report the damaged participant (exit %d):\n%s", code, out)
	}
}
