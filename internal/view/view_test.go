package view

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

var (
	october   = time.Date(2026, time.October, 1, 0, 0, 0, 0, time.UTC)
	september = time.Date(2026, time.September, 1, 0, 0, 0, 0, time.UTC)
	november  = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)
)

// month is a stored month of two networks, AS3333 and AS64500, each with
// an incident.
func month(m time.Time) *store.Month {
	inc := func(id string, asn uint32) store.Incident {
		return store.Incident{ID: id, ASN: asn, Metric: "M2", Start: m.Add(time.Hour), End: m.Add(2 * time.Hour), Weight: 1, Score: 0.5}
	}
	tag := m.Format("2006-01")
	return &store.Month{
		Meta:      store.MonthMeta{Month: m, Spec: spec.Default, IngestedAt: m.AddDate(0, 1, 1), Final: true},
		ASNs:      []store.ASN{{ASN: 3333, Participant: true}, {ASN: 64500}},
		Incidents: []store.Incident{inc("3333-"+tag, 3333), inc("64500-"+tag, 64500)},
	}
}

// open returns a store holding September and October, and a View of it.
func open(t *testing.T, ttl time.Duration) (*sqlite.Store, *View) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, m := range []time.Time{september, october} {
		if err := st.WriteMonth(t.Context(), month(m)); err != nil {
			t.Fatal(err)
		}
	}
	v, err := New(Options{Store: st, MonthsTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return st, v
}

func newest(t *testing.T, v *View) time.Time {
	t.Helper()
	metas, err := v.Months(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(metas) == 0 {
		t.Fatal("no months")
	}
	return metas[0].Month
}

func TestMonthsNewMonth(t *testing.T) {
	t.Run("no TTL: read every time", func(t *testing.T) {
		st, v := open(t, 0)
		if got := newest(t, v); !got.Equal(october) {
			t.Fatalf("newest %v, want October", got)
		}
		if err := st.WriteMonth(t.Context(), month(november)); err != nil {
			t.Fatal(err)
		}
		if got := newest(t, v); !got.Equal(november) {
			t.Errorf("after a new month: newest %v, want November", got)
		}
	})
	t.Run("long TTL: the list is kept", func(t *testing.T) {
		st, v := open(t, time.Hour)
		newest(t, v)
		if err := st.WriteMonth(t.Context(), month(november)); err != nil {
			t.Fatal(err)
		}
		if got := newest(t, v); !got.Equal(october) {
			t.Errorf("within the TTL: newest %v, want the cached October", got)
		}
	})
	t.Run("expired TTL: re-read in the background", func(t *testing.T) {
		st, v := open(t, time.Nanosecond)
		var refreshed []store.MonthMeta
		v.opt.Refreshed = func(metas []store.MonthMeta) { refreshed = metas }
		newest(t, v)
		if err := st.WriteMonth(t.Context(), month(november)); err != nil {
			t.Fatal(err)
		}
		if got := newest(t, v); !got.Equal(october) {
			t.Errorf("the stale list is answered while it is re-read: %v, want October", got)
		}
		v.Close() // the re-read is done
		if len(refreshed) == 0 || !refreshed[0].Month.Equal(november) {
			t.Errorf("Refreshed got %v, want November first", refreshed)
		}
		if got := newest(t, v); !got.Equal(november) {
			t.Errorf("after the re-read: newest %v, want November", got)
		}
	})
}

func TestPrevious(t *testing.T) {
	_, v := open(t, time.Hour)
	metas, _ := v.Months(t.Context())
	prev, err := v.Previous(t.Context(), &metas[0])
	if err != nil || prev == nil || !prev.Month.Equal(september) {
		t.Fatalf("previous of October = %v, %v; want September", prev, err)
	}
	if prev, err := v.Previous(t.Context(), prev); err != nil || prev != nil {
		t.Errorf("previous of September = %v, %v; want none", prev, err)
	}
	other := metas[0]
	other.Spec = "other@1"
	if prev, _ := v.Previous(t.Context(), &other); prev != nil {
		t.Errorf("previous under another spec = %v, want none", prev)
	}
}

func TestRegistryForget(t *testing.T) {
	st, v := open(t, time.Hour)
	ctx := t.Context()
	r, err := v.Registry(ctx)
	if err != nil || len(r.ASNs) != 0 {
		t.Fatalf("empty registry: %+v, %v", r, err)
	}
	if _, err := st.PutParticipant(ctx, &store.Registered{Participant: store.Participant{Organisation: "RIPE NCC",
		Programme: "netops", ASNs: []uint32{3333}}, UpdatedAt: october}); err != nil {
		t.Fatal(err)
	}
	if r, _ := v.Registry(ctx); r.ASNs[3333] {
		t.Error("within the TTL the registry is re-read without ForgetRegistry")
	}
	gen := v.Generation()
	v.ForgetRegistry()
	r2, err := v.Registry(ctx)
	if err != nil || !r2.ASNs[3333] || len(r2.List) != 1 || r2.Version == r.Version {
		t.Errorf("after ForgetRegistry: %+v, %v; want AS3333 under a new version", r2, err)
	}
	if v.Generation() == gen {
		t.Error("ForgetRegistry did not move the generation on")
	}
}

// principals by role: AS3333's participant, another participant, a
// partner, the secretariat and anonymous.
var (
	owner       = access.Principal{Key: &store.APIKey{ID: "k-owner", Role: store.RoleParticipant, ParticipantID: 1}, ASNs: []uint32{3333}}
	other       = access.Principal{Key: &store.APIKey{ID: "k-other", Role: store.RoleParticipant, ParticipantID: 2}, ASNs: []uint32{15169}}
	partner     = access.Principal{Key: &store.APIKey{ID: "k-partner", Role: store.RolePartner}}
	secretariat = access.Principal{Key: &store.APIKey{ID: "k-sec", Role: store.RoleSecretariat}}
	nobody      = access.Anonymous
)

func TestVisibilityByRole(t *testing.T) {
	part := &store.ASN{ASN: 3333, Participant: true}
	regOnly := &store.ASN{ASN: 3333} // a participant by the registry only
	non := &store.ASN{ASN: 64500}
	reg := map[uint32]bool{3333: true}
	for _, tc := range []struct {
		name       string
		a          *store.ASN
		reg        map[uint32]bool
		who        access.Principal
		part, full bool
	}{
		{"anonymous, participant", part, nil, nobody, true, false},
		{"anonymous, registered", regOnly, reg, nobody, true, false},
		{"anonymous, unregistered", regOnly, nil, nobody, false, true},
		{"anonymous, non-participant", non, reg, nobody, false, true},
		{"owner", part, nil, owner, true, true},
		{"another participant", part, nil, other, true, false},
		{"partner", part, nil, partner, true, true},
		{"secretariat", regOnly, reg, secretariat, true, true},
	} {
		p, f := Visibility(tc.a, &tc.who, tc.reg)
		if p != tc.part || f != tc.full {
			t.Errorf("%s: participant %v full %v, want %v %v", tc.name, p, f, tc.part, tc.full)
		}
	}
}

func TestTrailByRole(t *testing.T) {
	fbs := []store.Feedback{ // newest first
		{ID: 3, IncidentID: "a", ASN: 3333, Spec: spec.Default},
		{ID: 2, IncidentID: "b", ASN: 15169, Spec: spec.Default},
		{ID: 1, IncidentID: "a", ASN: 3333, Spec: spec.Default},
		{ID: 4, IncidentID: "a", ASN: 3333, Spec: "other@1"},
	}
	ids := func(tr map[string][]store.Feedback) map[string][]int64 {
		out := map[string][]int64{}
		for k, fs := range tr {
			for _, f := range fs {
				out[k] = append(out[k], f.ID)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		who  access.Principal
		want string
	}{
		{"anonymous", nobody, "map[]"},
		{"owner", owner, "map[a:[1 3]]"},
		{"other", other, "map[b:[2]]"},
		{"partner", partner, "map[a:[1 3] b:[2]]"},
		{"secretariat", secretariat, "map[a:[1 3] b:[2]]"},
	} {
		if got := fmt.Sprint(ids(Trail(fbs, spec.Default, &tc.who))); got != tc.want {
			t.Errorf("%s sees %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestFlagAndReview(t *testing.T) {
	st, v := open(t, time.Hour)
	ctx := t.Context()
	v.opt.Service = st
	id := "3333-" + october.Format("2006-01")
	for _, tc := range []struct {
		name   string
		who    access.Principal
		id     string
		reason string
		want   Kind
	}{
		{"anonymous", nobody, id, "x", Unauthorized},
		{"partner", partner, id, "x", Forbidden},
		{"secretariat", secretariat, id, "x", Forbidden},
		{"another participant's incident", other, id, "x", Forbidden},
		{"empty reason", owner, id, "  ", Invalid},
		{"NUL in the reason", owner, id, "a\x00b", Invalid},
		{"unknown incident", owner, "nope", "x", NotFound},
	} {
		_, err := v.Flag(ctx, &tc.who, tc.id, tc.reason)
		var e *Error
		if !errors.As(err, &e) || e.Kind != tc.want {
			t.Errorf("%s: %v, want kind %d", tc.name, err, tc.want)
		}
	}
	gen := v.Generation()
	f, err := v.Flag(ctx, &owner, id, " a planned move ")
	if err != nil || f.ID == 0 || f.Reason != "a planned move" || f.Verdict != store.VerdictPending || f.SubmittedBy != "k-owner" {
		t.Fatalf("flag: %+v, %v", f, err)
	}
	if v.Generation() == gen {
		t.Error("a flag did not move the generation on")
	}
	var e *Error
	if _, err := v.Flag(ctx, &owner, id, "again"); !errors.As(err, &e) || e.Kind != Conflict {
		t.Errorf("second pending flag: %v, want a conflict", err)
	}
	metas, _ := v.Months(ctx)
	tr, err := v.Trail(ctx, &metas[0], []uint32{3333}, &other)
	if err != nil || len(tr) != 0 {
		t.Errorf("another participant sees the trail: %v, %v", tr, err)
	}
	if tr, err := v.Trail(ctx, &metas[0], []uint32{3333}, &owner); err != nil || len(tr[id]) != 1 {
		t.Errorf("the owner's trail: %v, %v", tr, err)
	}

	if _, err := v.Review(ctx, &partner, f.ID, store.VerdictAccepted, ""); !errors.As(err, &e) || e.Kind != Forbidden {
		t.Errorf("a partner's review: %v, want forbidden", err)
	}
	if _, err := v.Review(ctx, &secretariat, f.ID, store.VerdictPending, ""); !errors.As(err, &e) || e.Kind != Invalid {
		t.Errorf("verdict pending: %v, want invalid", err)
	}
	fb, err := v.Review(ctx, &secretariat, f.ID, store.VerdictAccepted, "planned")
	if err != nil || fb.Verdict != store.VerdictAccepted || fb.ReviewedBy != "k-sec" {
		t.Fatalf("review: %+v, %v", fb, err)
	}
	if _, err := v.Review(ctx, &secretariat, f.ID, store.VerdictRejected, ""); !errors.As(err, &e) || e.Kind != Conflict {
		t.Errorf("second review: %v, want a conflict", err)
	}
	incs, err := st.Incidents(ctx, october, spec.Default, 3333)
	if err != nil || len(incs) != 1 || !incs[0].Excluded {
		t.Errorf("the accepted incident is not excluded: %+v, %v", incs, err)
	}
}

func TestNoService(t *testing.T) {
	_, v := open(t, 0)
	v.opt.Service = nil
	var e *Error
	if _, err := v.Flag(t.Context(), &owner, "x", "y"); !errors.As(err, &e) || e.Kind != Unavailable {
		t.Errorf("flag without a Service: %v, want unavailable", err)
	}
	if r, err := v.Registry(t.Context()); err != nil || len(r.ASNs) != 0 {
		t.Errorf("registry without a Service: %+v, %v", r, err)
	}
}

func TestLevels(t *testing.T) {
	r := spec.Readiness{Ready: 0.9, Aspiring: 0.8}
	for v, want := range map[float64]string{1: "ready", 0.9: "ready", 0.85: "aspiring", 0.8: "aspiring", 0.2: "lagging"} {
		if got := LevelOf(v, r); got != want {
			t.Errorf("LevelOf(%v) = %s, want %s", v, got, want)
		}
	}
	if got := Readiness(nil); got != r {
		t.Errorf("Readiness(nil) = %+v, want the default spec's %+v", got, r)
	}
	for _, tc := range []struct {
		l       string
		hasData bool
		want    string
	}{{"ready", true, "ready"}, {"ready", false, "noData"}, {"lagging", true, "lagging"},
		{"no_data_available", true, "noData"}, {"bogus", true, "noData"}} {
		if got := Level(tc.l, tc.hasData); got != tc.want {
			t.Errorf("Level(%q, %v) = %s, want %s", tc.l, tc.hasData, got, tc.want)
		}
	}
	order := []string{"ready", "aspiring", "lagging", "noData", "bogus"}
	for i := 1; i < len(order); i++ {
		if LevelRank(order[i-1]) >= LevelRank(order[i]) {
			t.Errorf("LevelRank: %s is not before %s", order[i-1], order[i])
		}
	}
}

func TestCache(t *testing.T) {
	var c Cache[int]
	c.Put("a", 1)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("Get(a) = %d, %v", v, ok)
	}
	c.Delete("a")
	if _, ok := c.Get("a"); ok {
		t.Error("Delete kept a")
	}
	for i := range maxCached + 2 {
		c.Put(string(rune(i)), i)
	}
	if n := len(c.m); n > maxCached+1 {
		t.Errorf("the cache grew to %d", n)
	}
	c.Clear()
	if _, ok := c.Get(string(rune(maxCached + 1))); ok {
		t.Error("Clear kept an entry")
	}
}
