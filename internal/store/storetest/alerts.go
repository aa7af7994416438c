package storetest

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// RunAlerts checks the alert engine's incidents and deliveries
// (store.Alerts): an incident read back as written, updated in place on
// close with its ASNs replaced, listed newest first and filtered by
// openness and ASN, bad records refused, and a delivery recorded once even
// when two writers race.
func RunAlerts(t *testing.T, open func(t *testing.T) store.Alerts) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 123000, time.UTC)
	inc := func(id string, opened time.Duration, asns ...uint32) store.AlertIncident {
		return store.AlertIncident{ID: id, Kind: "rpki-invalid", Prefix: netip.MustParsePrefix("2001:db8::/48"), Origin: 64511,
			ASNs: asns, Opened: at.Add(opened), Doc: []byte(fmt.Sprintf(`{"id": %q, "evidence": {"paths": ["64496 64511"]}}`, id)),
			Updated: at.Add(opened)}
	}
	t.Run("roundtrip", func(t *testing.T) {
		s := open(t)
		if _, err := s.AlertIncident(t.Context(), "none"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("AlertIncident() of an empty store = %v, want ErrNotFound", err)
		}
		a, b, c := inc("a", 0, 64500, 64511), inc("b", time.Minute, 64501), inc("c", 2*time.Minute)
		for _, x := range []store.AlertIncident{a, b, c} {
			if err := s.RecordAlert(t.Context(), &x); err != nil {
				t.Fatalf("RecordAlert(%s) = %v", x.ID, err)
			}
		}
		// a closes: its document, ASNs and time replaced.
		a.Closed, a.Updated, a.ASNs, a.Doc = at.Add(time.Hour), at.Add(time.Hour), []uint32{64500}, []byte(`{"id": "a", "closed": true}`)
		if err := s.RecordAlert(t.Context(), &a); err != nil {
			t.Fatalf("RecordAlert(a closed) = %v", err)
		}
		got, err := s.AlertIncident(t.Context(), "a")
		if err != nil || Diff(&a, got) != "" {
			t.Errorf("AlertIncident(a) = %v, mismatch (-want +got):\n%s", err, Diff(&a, got))
		}
		for _, c := range []struct {
			f    store.AlertFilter
			want []string
		}{
			{store.AlertFilter{}, []string{"c", "b", "a"}},
			{store.AlertFilter{Open: true}, []string{"c", "b"}},
			{store.AlertFilter{ASNs: []uint32{64500}}, []string{"a"}},
			{store.AlertFilter{ASNs: []uint32{64511}}, nil}, // a no longer concerns AS64511
			{store.AlertFilter{ASNs: []uint32{64501, 64500}, Open: true}, []string{"b"}},
			{store.AlertFilter{Limit: 1}, []string{"c"}},
		} {
			list, err := s.AlertIncidents(t.Context(), c.f)
			var ids []string
			for _, x := range list {
				ids = append(ids, x.ID)
			}
			if err != nil || fmt.Sprint(ids) != fmt.Sprint(c.want) {
				t.Errorf("AlertIncidents(%+v) = %v, %v; want %v", c.f, ids, err, c.want)
			}
		}
	})
	t.Run("refused", func(t *testing.T) {
		s := open(t)
		good := inc("x", 0)
		for name, mod := range map[string]func(*store.AlertIncident){
			"no ID":         func(a *store.AlertIncident) { a.ID = "" },
			"no kind":       func(a *store.AlertIncident) { a.Kind = "" },
			"no prefix":     func(a *store.AlertIncident) { a.Prefix = netip.Prefix{} },
			"not opened":    func(a *store.AlertIncident) { a.Opened = time.Time{} },
			"closed before": func(a *store.AlertIncident) { a.Closed = a.Opened.Add(-time.Second) },
			"bad document":  func(a *store.AlertIncident) { a.Doc = []byte(`{"a":`) },
		} {
			a := good
			mod(&a)
			if err := s.RecordAlert(t.Context(), &a); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("RecordAlert(%s) = %v, want ErrInvalid", name, err)
			}
		}
		if list, err := s.AlertIncidents(t.Context(), store.AlertFilter{}); err != nil || len(list) != 0 {
			t.Errorf("AlertIncidents() after refusals = %d, %v; want none", len(list), err)
		}
	})
	t.Run("deliveries", func(t *testing.T) {
		s := open(t)
		if ok, err := s.AlertDelivered(t.Context(), "a:open webhook:http://x"); ok || err != nil {
			t.Fatalf("AlertDelivered() before = %v, %v", ok, err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { errs[i] = s.MarkAlertDelivered(t.Context(), "a:open webhook:http://x", at) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Errorf("racing MarkAlertDelivered() = %v", err)
			}
		}
		if ok, err := s.AlertDelivered(t.Context(), "a:open webhook:http://x"); !ok || err != nil {
			t.Errorf("AlertDelivered() after = %v, %v", ok, err)
		}
		if ok, _ := s.AlertDelivered(t.Context(), "a:close webhook:http://x"); ok {
			t.Errorf("another key counts as delivered")
		}
		if err := s.MarkAlertDelivered(t.Context(), "", at); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("MarkAlertDelivered(\"\") = %v, want ErrInvalid", err)
		}
	})
}
