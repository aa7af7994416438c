package monthjob_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/monthjob"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/testenv"
	"github.com/observatory-net/observatory/internal/vocab"
)

func TestNewestMonth(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	files := []dataset.File{
		{Kind: dataset.KindMRT, Date: at("2014-04-30T23:00:00Z")},
		{Kind: dataset.KindVRP, Date: at("2016-01-01T00:00:00Z")}, // not an MRT file
		{Kind: dataset.KindMRT, Date: at("2014-05-31T22:15:00-02:00")},
		{Kind: dataset.KindMRT},
	}
	got, ok := monthjob.NewestMonth(files)
	if want := at("2014-06-01T00:00:00Z"); !ok || !got.Equal(want) {
		t.Errorf("NewestMonth = %v, %v; want %v (the newest MRT file, in UTC)", got, ok, want)
	}
	if _, ok := monthjob.NewestMonth(files[1:2]); ok {
		t.Error("NewestMonth without a dated MRT file reports a month")
	}
}

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func months(t *testing.T, st store.Store) []store.MonthMeta {
	t.Helper()
	ms, err := st.Months(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestRun_inputError checks a data set that cannot be loaded is an
// InputError and writes nothing.
func TestRun_inputError(t *testing.T) {
	st := openStore(t)
	sp, err := spec.Get(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no-such-vrps.json")
	_, err = monthjob.Run(context.Background(), st, monthjob.Job{
		Files: []dataset.File{{Path: missing, Kind: dataset.KindVRP}},
		Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: sp,
	})
	var ie *monthjob.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("Run = %v; want an InputError", err)
	}
	if ms := months(t, st); len(ms) != 0 {
		t.Errorf("a failed job wrote %d months", len(ms))
	}
}

// progress records what a job reports.
type progress struct {
	mu    sync.Mutex
	total int64
	steps []string
}

func (p *progress) Set(int64) {}
func (p *progress) Describe(what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.steps = append(p.steps, what)
}
func (p *progress) Done() { p.Describe("done") }

// TestRun_writes computes a month from one real update file and checks it
// is stored with the job's warnings and inputs, the progress told.
func TestRun_writes(t *testing.T) {
	path := testenv.File(t, "mrt/updates/ris.rrc06.updates.1401488100.gz")
	f, err := dataset.Identify(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	sp, err := spec.Get(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	p := &progress{}
	in := store.Input{Path: "https://example.net/updates.gz", Kind: string(f.Kind), Size: 1, SHA256: "00"}
	m, err := monthjob.Run(context.Background(), st, monthjob.Job{
		Files: []dataset.File{f}, Month: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Spec: sp, Workers: 1,
		Inputs: []store.Input{in}, Warnings: []string{"fetch: 3 files missing"},
		Progress: func(total int64) monthjob.Progress { p.total = total; return p },
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Meta.Stats.Updates == 0 {
		t.Error("no update read")
	}
	if !slices.Contains(m.Meta.Warnings, "fetch: 3 files missing") || !slices.Equal(m.Meta.Inputs, []store.Input{in}) {
		t.Errorf("warnings %q, inputs %v: the job's are not recorded", m.Meta.Warnings, m.Meta.Inputs)
	}
	if p.total != 25872 || !slices.Equal(p.steps, []string{"writing the month", "done"}) {
		t.Errorf("progress total %d, steps %q", p.total, p.steps)
	}
	ms := months(t, st)
	if len(ms) != 1 || ms[0].Spec != sp.Ref() || ms[0].Month.Format(vocab.MonthLayout) != "2014-05" {
		t.Fatalf("stored months %+v", ms)
	}
	for month, want := range map[time.Time]bool{ms[0].Month: true, ms[0].Month.AddDate(0, 1, 0): false} {
		if final, err := monthjob.Final(context.Background(), st, sp, month); err != nil || final != want {
			t.Errorf("Final(%s) = %v, %v; want %v (an ended month is computed final)", month, final, err, want)
		}
	}
}
