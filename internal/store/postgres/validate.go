package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// monthOf returns the first instant of the UTC month containing t: the
// key of the months table, a date.
func monthOf(t time.Time) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// monthKey returns the text form of the UTC month containing t, for
// messages.
func monthKey(t time.Time) string { return t.UTC().Format("2006-01") }

// validate checks what the schema cannot, as store/sqlite does, so that the
// two stores accept the same months: the month key, and NaN values, which
// PostgreSQL would store but SQLite cannot (the contract rejects them).
func validate(m *store.Month) error {
	if m == nil {
		return errors.New("nil month")
	}
	if err := validateKey(&m.Meta); err != nil {
		return err
	}
	for _, a := range m.ASNs {
		for _, x := range a.Metrics {
			if math.IsNaN(x.Raw) || math.IsNaN(x.Score) {
				return fmt.Errorf("AS%d metric %q: NaN value", a.ASN, x.ID)
			}
		}
		for _, x := range a.Scores {
			if math.IsNaN(x.Value) {
				return fmt.Errorf("AS%d score %q: NaN value", a.ASN, x.ID)
			}
		}
	}
	for _, in := range m.Incidents {
		if math.IsNaN(in.Weight) || math.IsNaN(in.Score) {
			return fmt.Errorf("incident %q: NaN value", in.ID)
		}
		if len(in.Evidence) > 0 && !json.Valid(in.Evidence) {
			return fmt.Errorf("incident %q: evidence is not valid JSON", in.ID)
		}
	}
	for _, a := range m.Aggregates {
		if math.IsNaN(a.Value) {
			return fmt.Errorf("aggregate %s %q %s: NaN value", a.Scope, a.Key, a.Score)
		}
	}
	return nil
}

// validateKey checks that the meta names a month and a specification.
func validateKey(mm *store.MonthMeta) error {
	if mm.Month.IsZero() || !mm.Month.Equal(monthOf(mm.Month)) {
		return fmt.Errorf("month %v is not the first instant of a UTC month", mm.Month)
	}
	if mm.Spec == "" {
		return errors.New("no specification")
	}
	return nil
}
