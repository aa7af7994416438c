// Package monthjob is the ingest of one month, as observatory ingest and
// observatory run do it: load the data set, compute the month
// (ingest.Compute), exclude again the incidents whose false-positive
// feedback the secretariat accepted on the version being replaced, and
// write the month in one transaction, so that a failed or interrupted job
// leaves the stored version intact. A month is one snapshot, recomputed
// daily while current (measurement-framework.md §2); accepted feedback
// stays excluded from every recomputation (§8).
package monthjob

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/ingest"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/participants"
	"github.com/observatory-net/observatory/internal/rescore"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Job is one ingest of files into a store.
type Job struct {
	Files        []dataset.File
	Month        time.Time
	Spec         *spec.Spec
	Participants *participants.List
	// Damaged receives the damaged records of the inputs; its report
	// joins the month's warnings. Nil is strict.
	Damaged *inputerr.Log
	Workers int
	AllTime bool
	// Inputs, when set, are what the month records it rests on (run: the
	// fetched files with their sizes and SHA-256).
	Inputs []store.Input
	// Warnings are added to the month's own (run adds the fetch coverage).
	Warnings []string
	// Progress, when not nil, returns what follows the job once the size
	// of its MRT input, in bytes, is known.
	Progress func(total int64) Progress
	Log      *slog.Logger
	// Cache, when not empty, is the directory of the MRT files' partials
	// (ingest.Config.Cache); CacheStats, when set, counts its use.
	Cache      string
	CacheStats *ingest.CacheStats
}

// Progress follows a job: the compressed MRT bytes read, then the write.
type Progress interface {
	// Set reports n bytes read so far; called from several goroutines.
	Set(n int64)
	// Describe names the current step.
	Describe(what string)
	// Done ends the progress.
	Done()
}

// InputError is a job that failed on its input: a data set that could
// not be loaded, or a damaged MRT record when the job is strict. Nothing
// was written.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Run loads the reference data, computes the month and writes it to st in
// one transaction. It returns the month written.
func Run(ctx context.Context, st store.Store, j Job) (*store.Month, error) {
	log := j.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	set, err := dataset.Load(ctx, j.Files, dataset.Options{Month: j.Month, Damaged: j.Damaged, Log: log})
	if err != nil {
		return nil, &InputError{err}
	}
	log.Info("loaded reference data", "files", len(j.Files), "mrt", len(set.MRT), "vrps", set.RPKI.Len(), "elapsed", time.Since(start))
	var bar Progress = silent{}
	if j.Progress != nil {
		bar = j.Progress(MRTBytes(set))
	}
	m, err := ingest.Compute(ctx, ingest.Config{Month: j.Month, Spec: j.Spec, Data: set, Workers: j.Workers, AllTime: j.AllTime,
		Participants: j.Participants, Damaged: j.Damaged, Progress: bar.Set, Log: log, Cache: j.Cache, CacheStats: j.CacheStats})
	if err != nil {
		bar.Done()
		if errors.As(err, new(*inputerr.Error)) { // a damaged MRT record, strict
			return nil, &InputError{err}
		}
		return nil, err
	}
	if err := KeepVerdicts(ctx, st, j.Spec, m, log); err != nil {
		bar.Done()
		return nil, err
	}
	m.Meta.Warnings = append(m.Meta.Warnings, j.Warnings...)
	if len(j.Inputs) > 0 {
		m.Meta.Inputs = j.Inputs
	}
	bar.Describe("writing the month")
	wstart := time.Now()
	err = st.WriteMonth(ctx, m)
	bar.Done()
	log.Info("stored the month", "elapsed", time.Since(wstart))
	if err != nil {
		return nil, fmt.Errorf("store month %s: %w", j.Month.Format(vocab.MonthLayout), err)
	}
	return m, nil
}

// KeepVerdicts excludes again, from a re-computed month, the incidents
// whose false-positive feedback the secretariat accepted on the version
// being replaced, and re-scores their ASNs (rescore.Apply). A store
// without the service tables has no verdicts to keep.
func KeepVerdicts(ctx context.Context, st store.Store, sp *spec.Spec, m *store.Month, log *slog.Logger) error {
	svc, ok := st.(store.Service)
	if !ok {
		return nil
	}
	ids, err := rescore.Accepted(ctx, svc, m.Meta.Month, sp.Ref())
	if err != nil || len(ids) == 0 {
		return err
	}
	n := rescore.Apply(sp, m, ids)
	log.Info("kept accepted feedback", "accepted", len(ids), "excluded", n)
	return nil
}

// Final reports whether st holds month, computed with sp, as final: the
// month ended and was computed a last time after its end (§2: the
// snapshot published at the start of the following month).
func Final(ctx context.Context, st store.Store, sp *spec.Spec, month time.Time) (bool, error) {
	months, err := st.Months(ctx)
	for _, m := range months {
		if m.Spec == sp.Ref() && m.Month.Equal(month) && m.Final {
			return true, err
		}
	}
	return false, err
}

// NewestMonth is the month of the newest dated MRT file among files, the
// month an ingest computes when none is named; false when no MRT file is
// dated.
func NewestMonth(files []dataset.File) (time.Time, bool) {
	var newest time.Time
	for _, f := range files {
		if f.Kind == dataset.KindMRT && f.Date.After(newest) {
			newest = f.Date
		}
	}
	if newest.IsZero() {
		return time.Time{}, false
	}
	return vocab.MonthOf(newest).Start(), true
}

// MRTBytes is the size of the set's MRT files, what a progress follows.
func MRTBytes(set *dataset.Set) int64 {
	var n int64
	for _, f := range set.MRT {
		n += f.Size
	}
	return n
}

// silent is the Progress of a job that shows none.
type silent struct{}

func (silent) Set(int64)       {}
func (silent) Describe(string) {}
func (silent) Done()           {}
