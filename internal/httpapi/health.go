package httpapi

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// /healthz (finding 9 of issue 17) answers from what is already known, so
// that it takes milliseconds even while the store is busy: the result of
// the last integrity check of the store (run at start and every
// Options.CheckInterval), whether reads of month data failed with damage
// lately, and a ping of the store with a short timeout, unless a read has
// just succeeded.
const (
	// pingTimeout bounds the one store round trip of /healthz.
	pingTimeout = 500 * time.Millisecond
	// recentRead is how recent a successful read of month data must be
	// for /healthz to take it for the ping: a store busy with reads (its
	// connections all in use) is not kept waiting for one more.
	recentRead = time.Second
	// corruptHold is how long a read that failed with damage keeps
	// /healthz at 503 after the last such failure.
	corruptHold = 10 * time.Minute
	// checkTimeout bounds one integrity check.
	checkTimeout = 10 * time.Minute
	// maxReason bounds the reason a 503 of /healthz quotes.
	maxReason = 400
)

// storeHealth is what /healthz knows of the store.
type storeHealth struct {
	mu        sync.Mutex
	checked   bool          // a check has ended
	at        time.Time     // when the last check ended
	took      time.Duration // how long it took
	err       error         // its error; nil: it passed
	corrupt   error         // the last read that failed with damage
	corruptAt time.Time

	wg sync.WaitGroup // the periodic check, which ends with Server.bg
}

// CheckStore runs the store's integrity check (store.Checker) now and
// records the result for /healthz: damage found keeps /healthz at 503
// until a later check passes. It returns the check's error: one wrapping
// store.ErrCorrupt when it found damage, another when it could not run.
// A store without a check passes. serve calls it before it listens.
func (s *Server) CheckStore(ctx context.Context) error {
	if s.checker == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	// The check reads the whole store on one core, outside the slots of
	// expensive work: a long one must not keep list queries waiting.
	start := time.Now()
	err := s.checker.Check(ctx)
	h := &s.checks
	h.mu.Lock()
	h.checked, h.at, h.took, h.err = true, time.Now(), time.Since(start), err
	h.mu.Unlock()
	ok := 0.0
	if err == nil {
		ok = 1
	}
	s.metrics.checkOK.Set(ok)
	s.metrics.checkTime.Set(float64(time.Now().Unix()))
	return err
}

// startChecks checks the store every interval until Close.
func (s *Server) startChecks(interval time.Duration) {
	if s.checker == nil || interval <= 0 {
		return
	}
	h := &s.checks
	ctx := s.bg
	h.wg.Go(func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		var failed bool
		for {
			select {
			case <-tick.C:
			case <-ctx.Done():
				return
			}
			err := s.CheckStore(ctx)
			switch {
			case ctx.Err() != nil:
				return
			case errors.Is(err, store.ErrCorrupt):
				s.log.Error("the store is damaged", "err", err)
			case err != nil:
				s.log.Warn("check the store", "err", err)
			case failed:
				s.log.Info("the store check passes again")
			}
			failed = err != nil
		}
	})
}

// noteCorrupt records a read of month data that failed with damage.
func (s *Server) noteCorrupt(err error) {
	h := &s.checks
	h.mu.Lock()
	h.corrupt, h.corruptAt = err, time.Now()
	h.mu.Unlock()
}

// damage returns the 503 of a damaged store, nil when none is known.
func (s *Server) damage() *Problem {
	h := &s.checks
	h.mu.Lock()
	defer h.mu.Unlock()
	unavailable := func(format string, err error) *Problem {
		reason := err.Error()
		if len(reason) > maxReason {
			reason = reason[:maxReason] + "…"
		}
		return problem(http.StatusServiceUnavailable, "store-damaged", format, reason)
	}
	if errors.Is(h.err, store.ErrCorrupt) {
		return unavailable("the store's integrity check found damage: %s", h.err)
	}
	if h.corrupt != nil && time.Since(h.corruptAt) < corruptHold {
		return unavailable("reads of the store fail with damage: %s", h.corrupt)
	}
	return nil
}

func (s *Server) checkState() checkJSON {
	if s.checker == nil {
		return checkJSON{Status: "none"}
	}
	h := &s.checks
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.checked {
		return checkJSON{Status: "pending"}
	}
	out := checkJSON{Status: "ok", At: h.at.UTC(), ElapsedMS: h.took.Milliseconds()}
	if h.err != nil {
		out.Status, out.Error = "error", "the check could not run; the error is logged"
	}
	return out
}

// ping makes the cheapest round trip to the store.
func (s *Server) ping(ctx context.Context) error {
	if s.checker != nil {
		return s.checker.Ping(ctx)
	}
	_, err := s.st.Months(ctx)
	return err
}

// health: GET /healthz. 200 when the store answers a ping within
// pingTimeout and no damage is known; 503 with the reason otherwise.
func (s *Server) health(c *call) error {
	if p := s.damage(); p != nil {
		return p
	}
	ctx, cancel := context.WithTimeout(c.ctx(), pingTimeout)
	defer cancel()
	var err error
	if !s.counted.answeredWithin(recentRead) { // a busy store is not pinged: it answers
		err = s.ping(ctx)
	}
	var metas []store.MonthMeta
	if err == nil {
		metas, err = s.monthList(ctx) // the list in memory, once read
	}
	if err != nil {
		if errors.Is(err, store.ErrCorrupt) {
			s.noteCorrupt(err)
			return s.damage()
		}
		s.log.Warn("health check", "err", err)
		return problem(http.StatusServiceUnavailable, "unavailable", "the store does not answer (waited up to %v); the error is logged", pingTimeout)
	}
	return c.writeJSON(http.StatusOK, healthJSON{Status: "ok", Months: len(metas), Check: s.checkState()})
}
