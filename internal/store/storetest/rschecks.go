package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// RunRSChecks checks the stored route-server checks (store.RSChecks):
// read back as written, byte for byte, listed newest first without their
// reports, bad records refused with nothing stored.
func RunRSChecks(t *testing.T, open func(t *testing.T) store.RSChecks) {
	t.Run("roundtrip", func(t *testing.T) {
		s := open(t)
		if got, err := s.ListRSChecks(t.Context()); err != nil || len(got) != 0 {
			t.Fatalf("ListRSChecks() of an empty store = %v, %v", got, err)
		}
		if _, err := s.RSCheck(t.Context(), 1); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("RSCheck(1) of an empty store = %v, want ErrNotFound", err)
		}
		at := time.Date(2026, 11, 2, 3, 4, 5, 6000, time.UTC)
		var want []store.RSCheck
		for i, ixp := range []string{"NAMEX", "NL-ix", "NAMEX"} {
			c := store.RSCheck{IXP: ixp, CheckedAt: at.Add(time.Duration(i%2) * time.Hour), Routes: 10 + i, Rejectable: i,
				Report: fmt.Appendf(nil, `{"ixp": %q, "total": {"routes": %d}, "findings": ["é\u0000"]}`, ixp, 10+i)}
			id, err := s.RecordRSCheck(t.Context(), &c)
			if err != nil {
				t.Fatalf("RecordRSCheck(%s) = %v", ixp, err)
			}
			c.ID = id
			want = append(want, c)
		}
		for _, w := range want {
			got, err := s.RSCheck(t.Context(), w.ID)
			if err != nil || got.IXP != w.IXP || !got.CheckedAt.Equal(w.CheckedAt) || got.Routes != w.Routes ||
				got.Rejectable != w.Rejectable || string(got.Report) != string(w.Report) {
				t.Errorf("RSCheck(%d) = %+v, %v; want %+v", w.ID, got, err, w)
			}
		}
		list, err := s.ListRSChecks(t.Context())
		if err != nil || len(list) != 3 {
			t.Fatalf("ListRSChecks() = %d checks, %v; want 3", len(list), err)
		}
		// Newest first: the NL-ix check is an hour later; the two NAMEX
		// checks of one time, the later id first.
		order := []int64{want[1].ID, want[2].ID, want[0].ID}
		for i, c := range list {
			if c.ID != order[i] || c.Report != nil {
				t.Errorf("ListRSChecks()[%d] = id %d with %d report bytes, want id %d without report", i, c.ID, len(c.Report), order[i])
			}
		}
	})
	t.Run("refused", func(t *testing.T) {
		s := open(t)
		at := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
		for name, c := range map[string]*store.RSCheck{
			"nil":               nil,
			"no IXP":            {IXP: " ", CheckedAt: at, Report: []byte(`{}`)},
			"no time":           {IXP: "X", Report: []byte(`{}`)},
			"not JSON":          {IXP: "X", CheckedAt: at, Report: []byte(`{"a":`)},
			"not an object":     {IXP: "X", CheckedAt: at, Report: []byte(`[1]`)},
			"more than checked": {IXP: "X", CheckedAt: at, Routes: 1, Rejectable: 2, Report: []byte(`{}`)},
		} {
			if _, err := s.RecordRSCheck(t.Context(), c); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("RecordRSCheck(%s) = %v, want ErrInvalid", name, err)
			}
		}
		if got, err := s.ListRSChecks(t.Context()); err != nil || len(got) != 0 {
			t.Errorf("ListRSChecks() after refusals = %d checks, %v; want none", len(got), err)
		}
	})
}
