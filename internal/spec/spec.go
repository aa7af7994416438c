// Package spec holds the versioned scoring specifications of the
// observatory: which metrics count for each MANRS Action, how incidents
// score by duration, the penalty curve, readiness thresholds and which
// scores are public. A specification is data, never code: changing a rule
// means adding a new version, and every stored score names the id and
// version that produced it (measurement-framework.md §13).
//
// The specifications ship embedded in the binary, one JSON file each under
// specs/, named ID-VERSION.json.
package spec

import (
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
)

//go:embed specs/*.json
var files embed.FS

// Action is how one published score is computed.
type Action struct {
	Score   string   `json:"score"`   // v2 score id: filtering, antiSpoofing, …
	Action  int      `json:"action"`  // MANRS Action number
	Name    string   `json:"name"`    // human name
	Public  bool     `json:"public"`  // shown to anonymous users for participants
	Counted []string `json:"counted"` // metrics that make the score
	Shown   []string `json:"shown,omitempty"`
	Combine string   `json:"combine"` // how counted metric scores combine: "mean" or "min"
	Note    string   `json:"note,omitempty"`
}

// Incidents is the incident duration scale of §4.1.
type Incidents struct {
	AcceptableSeconds    int64   `json:"acceptableSeconds"`
	AcceptableScore      float64 `json:"acceptableScore"`
	TolerantSeconds      int64   `json:"tolerantSeconds"`
	TolerantScore        float64 `json:"tolerantScore"`
	LongPenalty          string  `json:"longPenalty"` // "linear" or "exponential"
	Merge                string  `json:"merge"`
	MergeEqualWeightOnly bool    `json:"mergeEqualWeightOnly"`
	ClipToMonth          bool    `json:"clipToMonth"`
}

// Curve maps a raw penalty to a score in [0, 1] (§4.3).
type Curve struct {
	Kind  string  `json:"kind"` // "sqrt-decay": base^sqrt(scale·raw)
	Base  float64 `json:"base"`
	Scale float64 `json:"scale"`
	Note  string  `json:"note,omitempty"`
}

// Readiness holds the lower bounds of the readiness levels (§13.1).
type Readiness struct {
	Ready    float64 `json:"ready"`
	Aspiring float64 `json:"aspiring"`
}

// Spec is one version of a scoring specification.
type Spec struct {
	ID           string    `json:"id"`
	Version      string    `json:"version"`
	Title        string    `json:"title"`
	Published    string    `json:"published"`
	Source       string    `json:"source"`
	Actions      []Action  `json:"actions"`
	Incidents    Incidents `json:"incidents"`
	PenaltyCurve Curve     `json:"penaltyCurve"`
	Readiness    Readiness `json:"readiness"`
	RPKI         struct {
		InvalidWeight float64 `json:"invalidWeight"`
		Clamp         bool    `json:"clamp"`
	} `json:"rpki"`
	IRR struct {
		CoveringLessSpecific bool `json:"coveringLessSpecific"`
	} `json:"irr"`
	Bogons struct {
		Counted []string `json:"counted"`
		Shown   []string `json:"shown"`
	} `json:"bogons"`
	Customers struct {
		UnknownRelationshipWeight float64 `json:"unknownRelationshipWeight"`
	} `json:"customers"`
	Visibility struct {
		MinPeers int `json:"minPeers"`
	} `json:"visibility"`
	Hijacks struct {
		Rule string `json:"rule"`
		MOAS string `json:"moas"`
	} `json:"hijacks"`
	// Minimum is the minimum-conformance rule (minimum.go); use MinimumRule.
	Minimum       Minimum       `json:"minimum"`
	Participation Participation `json:"participation"` // application criteria (participation.go)
}

// Ref returns "ID@VERSION".
func (s *Spec) Ref() string { return s.ID + "@" + s.Version }

// Action returns the action computing the given score id.
func (s *Spec) Action(score string) (Action, bool) {
	i := slices.IndexFunc(s.Actions, func(a Action) bool { return a.Score == score })
	if i < 0 {
		return Action{}, false
	}
	return s.Actions[i], true
}

// ErrNotFound is returned for an unknown specification or version.
var ErrNotFound = errors.New("no such specification")

// All returns every embedded specification, by id then version.
func All() ([]*Spec, error) {
	entries, err := files.ReadDir("specs")
	if err != nil {
		return nil, err
	}
	var out []*Spec
	for _, e := range entries {
		s, err := parse(path.Join("specs", e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Spec) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), compareVersions(a.Version, b.Version))
	})
	return out, nil
}

func parse(name string) (*Spec, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var s Spec
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("specification %s: %w", name, err)
	}
	if want := s.ID + "-" + s.Version + ".json"; path.Base(name) != want {
		return nil, fmt.Errorf("specification %s: file must be named %s", name, want)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("specification %s: %w", name, err)
	}
	return &s, nil
}

// Get returns the specification "ID" (its latest version) or "ID@VERSION".
func Get(ref string) (*Spec, error) {
	id, version, _ := strings.Cut(ref, "@")
	all, err := All()
	if err != nil {
		return nil, err
	}
	var found *Spec
	for _, s := range all {
		if s.ID == id && (version == "" || s.Version == version) {
			found = s // All is sorted: the last match is the latest
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, ref)
	}
	return found, nil
}

// Default is the specification scores use unless told otherwise.
const Default = "netops@2024.1"

// compareVersions orders "2024.1" < "2024.2" < "2024.10".
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y string
		if i < len(as) {
			x = as[i]
		}
		if i < len(bs) {
			y = bs[i]
		}
		if c := cmp.Or(cmp.Compare(len(x), len(y)), cmp.Compare(x, y)); c != 0 {
			return c
		}
	}
	return 0
}
