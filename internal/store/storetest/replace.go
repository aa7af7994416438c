package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// testReplace rewrites a month and checks that nothing of the previous
// version is left.
func testReplace(t *testing.T, s store.Store) {
	v1 := fullMonth(march, specA)
	v2 := versionMonth(march, specA, 2, 3)
	write(t, s, v1)
	write(t, s, v2)
	checkMonth(t, s, v2)
	for _, asn := range []uint32{3333, 64500, 15169} {
		if rs, err := s.Routes(t.Context(), march, specA, asn); err != nil || len(rs) != 0 {
			t.Errorf("Routes(AS%d) after rewrite = %v, %v; want none", asn, rs, err)
		}
	}
	metas, err := s.Months(t.Context())
	if diff := Diff([]store.MonthMeta{Expected(v2).Meta}, metas); err != nil || diff != "" {
		t.Errorf("Months() = %v, mismatch (-want +got):\n%s", err, diff)
	}
	// Back to v1, twice: a rewrite with the same content is idempotent.
	write(t, s, v1)
	write(t, s, v1)
	checkMonth(t, s, v1)
}

// testTwoSpecs checks that two specifications of a month are independent.
func testTwoSpecs(t *testing.T, s store.Store) {
	a := fullMonth(march, specA)
	b := versionMonth(march, specB, 1, 4)
	write(t, s, a)
	write(t, s, b)
	checkMonth(t, s, a)
	checkMonth(t, s, b)
	a2 := versionMonth(march, specA, 3, 2)
	write(t, s, a2)
	checkMonth(t, s, a2)
	checkMonth(t, s, b)
}

// testFailedWrite checks that a WriteMonth that fails leaves the previous
// version of the month, and every other month, intact.
func testFailedWrite(t *testing.T, s store.Store) {
	prev := fullMonth(march, specA)
	other := versionMonth(march, specB, 1, 3)
	write(t, s, prev)
	write(t, s, other)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	expired, cancel2 := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel2()
	tests := []struct {
		name    string
		ctx     context.Context
		breakIt func(m *store.Month)
		wantErr error // the error WriteMonth must wrap, if any
	}{
		{"duplicate ASN", nil, func(m *store.Month) { m.ASNs = append(m.ASNs, m.ASNs[0]) }, nil},
		{"duplicate incident ID", nil, func(m *store.Month) { m.Incidents = append(m.Incidents, m.Incidents[7]) }, nil},
		{"NaN metric raw", nil, func(m *store.Month) { last(m.ASNs).Metrics[1].Raw = math.NaN() }, nil},
		{"NaN metric score", nil, func(m *store.Month) { last(m.ASNs).Metrics[0].Score = math.NaN() }, nil},
		{"NaN score", nil, func(m *store.Month) { last(m.ASNs).Scores[0].Value = math.NaN() }, nil},
		{"NaN incident weight", nil, func(m *store.Month) { last(m.Incidents).Weight = math.NaN() }, nil},
		{"NaN incident score", nil, func(m *store.Month) { last(m.Incidents).Score = math.NaN() }, nil},
		{"NaN aggregate", nil, func(m *store.Month) { last(m.Aggregates).Value = math.NaN() }, nil},
		{"invalid evidence", nil, func(m *store.Month) { last(m.Incidents).Evidence = json.RawMessage(`{"a":`) }, nil},
		{"cancelled context", cancelled, func(*store.Month) {}, context.Canceled},
		{"expired context", expired, func(*store.Month) {}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := versionMonth(march, specA, 2, 50)
			tt.breakIt(m)
			ctx := tt.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			err := s.WriteMonth(ctx, m)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("WriteMonth() = %v, want an error (wrapping %v)", err, tt.wantErr)
			}
			checkMonth(t, s, prev)
			checkMonth(t, s, other)
		})
	}
}

// last returns a pointer to the last element of s.
func last[T any](s []T) *T { return &s[len(s)-1] }

// testCancelledWrite cancels writes of a month large enough to take a while
// after increasing delays: a write either fails, wrapping the context's
// error, and leaves the previous version intact, or succeeds whole.
func testCancelledWrite(t *testing.T, s store.Store) {
	prev := fullMonth(march, specA)
	big := versionMonth(march, specA, 2, 3000)
	write(t, s, prev)
	var failed, succeeded int
	for _, delay := range []time.Duration{0, 50 * time.Microsecond, 200 * time.Microsecond,
		time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 30 * time.Millisecond,
		100 * time.Millisecond, 300 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(t.Context(), delay)
		err := s.WriteMonth(ctx, big)
		cancel()
		if err != nil {
			failed++
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("WriteMonth(cancelled after %v) = %v, want it to wrap %v", delay, err, context.DeadlineExceeded)
			}
			checkMonth(t, s, prev)
			continue
		}
		succeeded++
		checkMonth(t, s, big)
		write(t, s, prev)
	}
	t.Logf("%d writes cancelled, %d completed", failed, succeeded)
}
