package view

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// PublicScore reports whether the specification publishes a score of
// participants to anonymous callers; without the specification none is.
func PublicScore(sp *spec.Spec, id string) bool {
	if sp == nil {
		return false
	}
	act, ok := sp.Action(id)
	return ok && act.Public
}

// Visibility says how a caller sees an ASN's record: whether the ASN is a
// participant (its month says so or the registry reg lists it) and
// whether every score shows (full) or a participant's public Actions only
// (§12): every score of a non-participant, or of an ASN whose details the
// caller may see.
func Visibility(a *store.ASN, who *access.Principal, reg map[uint32]bool) (participant, full bool) {
	participant = a.Participant || reg[a.ASN]
	return participant, !participant || who.SeesDetails(a.ASN)
}

// Trail groups a month's feedback by incident, oldest first, keeping what
// of it the caller may see (access.Principal.SeesTrail) under the month's
// specification ref. fbs are newest first, as store.Service.Feedbacks
// gives them.
func Trail(fbs []store.Feedback, ref string, who *access.Principal) map[string][]store.Feedback {
	trail := map[string][]store.Feedback{}
	for i := len(fbs) - 1; i >= 0; i-- {
		if fbs[i].Spec == ref && who.SeesTrail(fbs[i].ASN) {
			trail[fbs[i].IncidentID] = append(trail[fbs[i].IncidentID], fbs[i])
		}
	}
	return trail
}

// Readiness returns the readiness thresholds of sp (§13.1), those of
// spec.Default when this build does not know the month's specification.
func Readiness(sp *spec.Spec) spec.Readiness {
	if sp == nil {
		if def, err := spec.Get(spec.Default); err == nil {
			sp = def
		}
	}
	if sp == nil {
		return spec.Readiness{}
	}
	return sp.Readiness
}

// LevelOf returns the API name of the readiness level of a score v that
// has data, under the readiness thresholds r (score.Readiness).
func LevelOf(v float64, r spec.Readiness) string {
	return vocab.Level(score.Readiness(v, true, r)).API()
}

// Level maps a stored readiness level to the API's: ready, aspiring,
// lagging or noData.
func Level(l string, hasData bool) string {
	if lv := vocab.Level(l); hasData && lv != vocab.NoData && slices.Contains(vocab.Levels, lv) {
		return lv.API()
	}
	return vocab.NoData.API()
}

// LevelRank orders the API's level names best first (vocab.Levels): ready
// 0, aspiring 1, lagging 2, noData 3; anything else after them.
func LevelRank(api string) int {
	if l, ok := vocab.LevelFromAPI(api); ok {
		return slices.Index(vocab.Levels, l)
	}
	return len(vocab.Levels)
}

// CleanText reports whether every s is UTF-8 text without NUL.
func CleanText(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return false
		}
	}
	return true
}

// Quote shortens and quotes user input for a message.
func Quote(s string) string {
	const max = 64
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strconv.Quote(s)
}
