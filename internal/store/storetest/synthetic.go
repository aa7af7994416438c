package storetest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Size is the shape of a synthetic month. A production month holds about
// 100,000 ASNs, 1,000,000 routes and 50,000 incidents.
type Size struct {
	ASNs      int // ASN records, each with 12 metrics and 5 scores
	Routes    int // route evidence rows, spread unevenly over the ASNs
	Incidents int // incidents, spread unevenly over the ASNs
}

// Rows returns the number of table rows a month of this size amounts to,
// counting each metric and score as a row: the figure write rates are
// quoted in.
func (z Size) Rows() int { return z.ASNs*(1+12+5) + z.Routes + z.Incidents }

// Synthetic returns a deterministic month of the given size for benchmarks
// and crash tests. Routes and incidents come in no particular ASN order and
// a few ASNs hold most of them, as in real data; ROA statistics and
// aggregates cover 250 economies.
func Synthetic(month time.Time, spec string, z Size) *store.Month {
	rng := rand.New(rand.NewPCG(1, uint64(z.ASNs)))
	m := &store.Month{Meta: store.MonthMeta{
		Month: month, Spec: spec, IngestedAt: month.AddDate(0, 1, 1), Final: true,
		Inputs: []store.Input{{Path: "bview.gz", Kind: "mrt", Size: 1 << 30, Records: int64(z.Routes),
			From: month, To: month.AddDate(0, 1, 0)}},
		Stats: store.Stats{Routes: int64(z.Routes), MeasuredASN: z.ASNs, Incidents: z.Incidents},
	}}
	m.ASNs = syntheticASNs(rng, z.ASNs)
	m.Routes = syntheticRoutes(rng, month, z)
	m.Incidents = syntheticIncidents(rng, month, z)
	for i := range 250 {
		cc := fmt.Sprintf("%c%c", 'A'+i/26, 'A'+i%26)
		for fam := 4; fam <= 6; fam += 2 {
			m.ROAStats = append(m.ROAStats, store.ROAStat{Scope: "economy", Key: cc, Family: fam,
				Valid: rng.Int64N(1e5), Invalid: rng.Int64N(1e3), NotFound: rng.Int64N(1e5)})
		}
		for _, id := range scoreIDs {
			m.Aggregates = append(m.Aggregates, store.Aggregate{Scope: "economy", Key: cc, Score: id,
				Value: rng.Float64(), Ready: rng.IntN(1000), Aspire: rng.IntN(1000)})
		}
	}
	return m
}

// scoreIDs are the five published scores.
var scoreIDs = vocab.Strings(vocab.Scores)

// syntheticASN returns the ASN of the i-th synthetic record.
func syntheticASN(i int) uint32 { return uint32(i*3 + 1000) }

// skewed returns an index below n, small indices far more likely.
func skewed(rng *rand.Rand, n int) int {
	u := rng.Float64()
	return int(u * u * u * float64(n))
}

func syntheticASNs(rng *rand.Rand, n int) []store.ASN {
	regions := []string{"Europe", "Americas", "Asia", "Africa", "Oceania"}
	rirs := []string{"RIPE NCC", "ARIN", "APNIC", "AFRINIC", "LACNIC"}
	asns := make([]store.ASN, n)
	for i := range asns {
		r := i % len(regions)
		a := store.ASN{
			ASN: syntheticASN(i), Holder: fmt.Sprintf("HOLDER-%d Example Networks Ltd", i),
			Country: fmt.Sprintf("%c%c", 'A'+i%250/26, 'A'+i%250%26), RIR: rirs[r], Region: regions[r],
			SubRegion: regions[r] + " " + fmt.Sprint(i%3), Participant: i%50 == 0,
			Peers: rng.IntN(1500), Announced: rng.IntN(100),
			Metrics: make([]store.Metric, 12), Scores: make([]store.Score, len(scoreIDs)),
		}
		for j := range a.Metrics {
			a.Metrics[j] = store.Metric{ID: fmt.Sprintf("M%d", j+1), Raw: rng.Float64() * 10,
				Score: rng.Float64(), HasData: j%4 != 0, Counted: j%3 != 0}
		}
		for j, id := range scoreIDs {
			a.Scores[j] = store.Score{ID: id, Value: rng.Float64(), HasData: true, Level: "aspiring"}
		}
		asns[i] = a
	}
	return asns
}

func syntheticRoutes(rng *rand.Rand, month time.Time, z Size) []store.Route {
	states := []string{"valid", "invalid-asn", "invalid-length", "not-found"}
	routes := make([]store.Route, z.Routes)
	for i := range routes {
		first := month.Add(time.Duration(rng.IntN(30*24*3600)) * time.Second)
		prefix := fmt.Sprintf("%d.%d.%d.0/24", 1+i>>16&0xff, i>>8&0xff, i&0xff)
		if i%5 == 0 {
			prefix = fmt.Sprintf("2001:db8:%x::/48", i)
		}
		routes[i] = store.Route{
			ASN: syntheticASN(skewed(rng, z.ASNs)), Prefix: prefix,
			RPKI: states[rng.IntN(len(states))], IRR: "exact", IRRSource: []string{"RIPE", "RADB"},
			Peers: rng.IntN(1500), FirstSeen: first, LastSeen: first.Add(time.Duration(rng.IntN(1e6)) * time.Second),
		}
	}
	return routes
}

func syntheticIncidents(rng *rand.Rand, month time.Time, z Size) []store.Incident {
	incidents := make([]store.Incident, z.Incidents)
	for i := range incidents {
		asn := syntheticASN(skewed(rng, z.ASNs))
		start := month.Add(time.Duration(rng.IntN(30*24*3600)) * time.Second)
		incidents[i] = store.Incident{
			ID: fmt.Sprintf("AS%d-M1-%d", asn, i), ASN: asn, Metric: "M1",
			Start: start, End: start.Add(time.Hour), Weight: 1, Score: rng.Float64(),
			Events: []string{fmt.Sprintf("ev-%d-a", i), fmt.Sprintf("ev-%d-b", i)},
			Evidence: fmt.Appendf(nil, `{"prefix":"10.%d.%d.0/24","origin":%d,"expected":[64500,64501],`+
				`"path":[3356,1299,%d],"peers":["192.0.2.1","2001:db8::1"],"rule":"origin-hijack"}`,
				i>>8&0xff, i&0xff, asn, asn),
		}
	}
	return incidents
}
