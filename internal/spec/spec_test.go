package spec

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestAll_EmbeddedSpecsAreValid(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 || all[0].Ref() != "netops@2024.1" {
		t.Fatalf("specs = %v", all)
	}
}

func TestGet(t *testing.T) {
	latest, err := Get("netops")
	if err != nil {
		t.Fatal(err)
	}
	if latest.Ref() != "netops@2025.1" {
		t.Errorf("latest netops = %s", latest.Ref())
	}
	s, err := Get(Default)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.Action("filtering")
	if !ok || f.Public || !slices.Equal(f.Counted, []string{"M2", "M2C", "M3", "M3C", "M4", "M4C"}) {
		t.Errorf("filtering = %+v (§13.2: M1/M1C shown, not counted, not public)", f)
	}
	if s.Readiness.Ready != 0.90 || s.Readiness.Aspiring != 0.80 {
		t.Errorf("readiness = %+v, want §13.1", s.Readiness)
	}
	if _, err := Get("netops@1999.1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get unknown version: %v", err)
	}
}

func TestValidate_ListsEveryProblem(t *testing.T) {
	s, _ := Get(Default)
	bad := *s
	bad.Actions = append(slices.Clone(s.Actions), Action{Score: "nonsense", Combine: "max"})
	bad.Readiness.Aspiring = 0.95
	bad.PenaltyCurve.Base = 2
	err := bad.Validate()
	if err == nil {
		t.Fatal("invalid spec validated")
	}
	for _, want := range []string{"nonsense", "counts no metric", "combine", "readiness", "penaltyCurve"} {
		if !contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestDiff(t *testing.T) {
	a, _ := Get(Default)
	b := *a
	b.Version = "2099.1"
	b.Readiness.Ready = 0.95
	b.Actions = slices.Clone(a.Actions)
	b.Actions[0].Counted = []string{"M2", "M3"}
	slices.Reverse(b.Actions) // order alone is no change
	got := Diff(a, &b)
	want := []Change{
		{Path: "actions[filtering].counted", From: `["M2","M2C","M3","M3C","M4","M4C"]`, To: `["M2","M3"]`},
		{Path: "readiness.ready", From: "0.9", To: "0.95"},
		{Path: "version", From: `"2024.1"`, To: `"2099.1"`},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Diff = %+v\nwant %+v", got, want)
	}
	if d := Diff(a, a); len(d) != 0 {
		t.Errorf("Diff(a, a) = %v", d)
	}
}

func TestCompareVersions(t *testing.T) {
	vs := []string{"2024.10", "2024.2", "2025.1", "2024.1"}
	slices.SortFunc(vs, compareVersions)
	if !slices.Equal(vs, []string{"2024.1", "2024.2", "2024.10", "2025.1"}) {
		t.Errorf("sorted = %v", vs)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
