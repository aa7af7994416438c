// Package gate is the readiness gate of CI pipelines (observatory check):
// an ASN passes at a level when the score of each chosen MANRS Action is
// at that level or better. A score without data (Anti-spoofing without a
// Spoofer test) does not fail the gate; it is reported as it is. The
// levels are those of measurement-framework.md §4.5, with this project's
// thresholds (§13).
package gate

import (
	"fmt"
	"slices"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Result is the gate's verdict on one ASN.
type Result struct {
	ASN    uint32  `json:"asn"`
	Pass   bool    `json:"pass"`
	Scores []Score `json:"scores"`
}

// Score is the verdict on one of the ASN's scores.
type Score struct {
	Score  string   `json:"score"`
	Action int      `json:"action"`
	Value  *float64 `json:"value"` // nil: no data
	Level  string   `json:"level"`
	Pass   bool     `json:"pass"`
}

// ParseMin reads the lowest passing level: ready or aspiring.
func ParseMin(s string) (vocab.Level, error) {
	if l := vocab.Level(s); l == vocab.Ready || l == vocab.Aspiring {
		return l, nil
	}
	return "", fmt.Errorf("%q: want ready or aspiring", s)
}

// Passes reports whether s passes at min: it has no data, or its level is
// ready, or aspiring when min is aspiring.
func Passes(s store.Score, min vocab.Level) bool {
	l := vocab.Level(s.Level)
	return !s.HasData || l == vocab.Ready || (min == vocab.Aspiring && l == vocab.Aspiring)
}

// Check is the verdict on rec at min, over the scores of the
// specification's Actions listed in actions, in the specification's
// order. A score the record lacks counts as one without data.
func Check(sp *spec.Spec, rec store.ASN, actions []int, min vocab.Level) Result {
	res := Result{ASN: rec.ASN, Pass: true}
	for _, act := range sp.Actions {
		if !slices.Contains(actions, act.Action) {
			continue
		}
		s := scoreOf(rec, string(act.Score))
		cs := Score{Score: string(act.Score), Action: act.Action, Level: string(s.Level), Pass: Passes(s, min)}
		if s.HasData {
			v := s.Value
			cs.Value = &v
		}
		res.Pass = res.Pass && cs.Pass
		res.Scores = append(res.Scores, cs)
	}
	return res
}

// AllPass reports whether every result passes.
func AllPass(rs []Result) bool {
	for _, r := range rs {
		if !r.Pass {
			return false
		}
	}
	return true
}

// scoreOf is rec's score id, the zero Score when it has none.
func scoreOf(rec store.ASN, id string) store.Score {
	for _, s := range rec.Scores {
		if string(s.ID) == id {
			return s
		}
	}
	return store.Score{}
}
