package metric

import (
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() {
	register(Unit{ID: vocab.M5, Inputs: "Spoofer (the ASN's test sessions, those behind a NAT left out), From, To; Spec.PenaltyCurve",
		Evidence: "none", Formula: spoofing})
}

// spoofing is M5 (§4.3): the raw value counts the distinct client
// prefixes from which a spoofed packet got out during the month's Spoofer
// tests, the score is that count through the penalty curve; no test, no
// data. A test behind a NAT is no test (§9: "tests behind NAT are
// invalid"): it neither counts nor gives data.
func spoofing(f *Facts) Result {
	var tests int
	var spoofable map[string]bool // allocated for the few ASNs tested
	for _, t := range f.Spoofer {
		if t.NAT || t.Time.Before(f.From) || !t.Time.Before(f.To) {
			continue
		}
		tests++
		if t.Spoofable {
			if spoofable == nil {
				spoofable = map[string]bool{}
			}
			spoofable[t.Prefix.String()] = true
		}
	}
	raw := float64(len(spoofable))
	v := score.Curve(raw, f.Spec.PenaltyCurve)
	return Result{Metric: store.Metric{ID: string(vocab.M5), Raw: raw, Score: v, HasData: tests > 0}}
}
