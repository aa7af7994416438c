package ingest

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/metric"
	"github.com/observatory-net/observatory/internal/participants"
	"github.com/observatory-net/observatory/internal/region"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Config is one month's computation.
type Config struct {
	Month time.Time // any instant of the month; normalised to its first
	Spec  *spec.Spec
	Data  *dataset.Set
	// Workers bounds how many MRT files are read at once.
	Workers int
	// RIBSpan is how long a RIB dump vouches for a route (default 2 h, the
	// RouteViews dump interval).
	RIBSpan time.Duration
	// AllTime disables the month filter on MRT timestamps: for test data
	// of another period.
	AllTime bool
	// Participants, when loaded, marks participant ASNs and adds the
	// participants scope to the aggregates.
	Participants *participants.List
	// Damaged receives the damaged records of the MRT files (see
	// inputerr.Log); its report, which the caller may have fed with the
	// reference files' damage too (dataset.Options.Damaged), joins the
	// month's warnings. Nil makes the first damaged record an error.
	Damaged *inputerr.Log
	// Progress, when set, receives the compressed bytes of MRT input read
	// so far (called from several goroutines, in order per file).
	Progress func(read int64)
	Log      *slog.Logger
	// Cache, when not empty, is the directory of the MRT files' partials
	// (CollectOptions.Cache); CacheStats, when set, counts its use.
	Cache      string
	CacheStats *CacheStats
}

// Compute collects the month's MRT facts and scores every measured ASN.
func Compute(ctx context.Context, cfg Config) (*store.Month, error) {
	from := vocab.MonthOf(cfg.Month).Start()
	to := from.AddDate(0, 1, 0)
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var warnings []string
	opt := CollectOptionsFor(cfg)
	opt.Warn = func(err error) { warnings = append(warnings, err.Error()) }
	opt.Log = log
	if opt.Cache != "" && opt.CacheStats == nil {
		opt.CacheStats = &CacheStats{} // for the log line
	}
	if cfg.Progress != nil {
		var read atomic.Int64
		opt.Progress = func(n int64) { cfg.Progress(read.Add(n)) }
	}
	paths := make([]string, len(cfg.Data.MRT))
	for i, f := range cfg.Data.MRT {
		paths[i] = f.Path
	}
	start := time.Now()
	facts, err := Collect(ctx, paths, opt)
	if err != nil {
		return nil, err
	}
	log.Info("collected routes", "files", len(paths), "rib_entries", facts.RIBEntries, "updates", facts.Updates,
		"routes", len(facts.Routes), "elapsed", time.Since(start))
	if st := opt.CacheStats; st != nil {
		log.Debug(fmt.Sprintf("%d of %d files from the partial cache", st.Hits.Load(), len(paths)), "dir", opt.Cache,
			"stored", st.Stored.Load(), "bad", st.Bad.Load())
	}
	m := &month{cfg: cfg, from: from, to: to, facts: facts}
	if cfg.AllTime {
		m.from, m.to = factsSpan(facts, from, to)
	}
	start = time.Now()
	m.detect()
	log.Info("classified routes", "routes", len(m.keys), "events", len(m.events), "elapsed", time.Since(start))
	start = time.Now()
	out := m.build()
	log.Info("scored and aggregated", "asns", len(out.ASNs), "incidents", len(out.Incidents), "roa_stats", len(out.ROAStats),
		"aggregates", len(out.Aggregates), "elapsed", time.Since(start))
	slices.Sort(warnings) // the MRT files are read in parallel: one order every time
	out.Meta.Warnings = slices.Concat(warnings, cfg.Data.Warnings, cfg.Damaged.Lines(), staleInputs(cfg.Data.Files, m.from, m.to))
	out.Meta.Inputs, out.Meta.NotUsed = inputs(cfg.Data, facts.Files, from)
	out.Meta.NotUsed = append(notUsed(cfg.Data.NotUsed), out.Meta.NotUsed...)
	return out, nil
}

// CollectOptionsFor returns the options Compute collects cfg's MRT files
// with: the month's bounds (none with AllTime), the RIB span, the damaged
// record rule, the workers and the partial cache. A file collected alone
// with them (a job of internal/jobs) leaves the cache entry Compute reads.
// Warn, Progress and Log are left for the caller.
func CollectOptionsFor(cfg Config) CollectOptions {
	span := cmp.Or(cfg.RIBSpan, 2*time.Hour)
	opt := CollectOptions{Workers: cfg.Workers, RIBSpan: uint32(span.Seconds()), Damaged: cfg.Damaged,
		Cache: cfg.Cache, CacheStats: cfg.CacheStats}
	if !cfg.AllTime {
		from := vocab.MonthOf(cfg.Month).Start()
		opt.From, opt.To = uint32(from.Unix()), uint32(from.AddDate(0, 1, 0).Unix())
	}
	return opt
}

// notUsed lists the reference files left out of the month (dataset.Select:
// one snapshot of each kind, the nearest to the month).
func notUsed(files []dataset.NotUsed) []store.NotUsedInput {
	var out []store.NotUsedInput
	for _, f := range files {
		out = append(out, store.NotUsedInput{Kind: string(f.Kind), Group: f.Group, Path: f.Path, Date: f.Date, Reason: f.Reason})
	}
	return out
}

// inputs lists what the month rests on: the reference files and the MRT
// files read, each with the size and SHA-256 of the bytes read, and its
// real path when it was reached through a symbolic link. An MRT file none
// of whose records fell in the month (starting at month) is listed as not
// used instead.
func inputs(d *dataset.Set, mrtFiles []FileStats, month time.Time) ([]store.Input, []store.NotUsedInput) {
	out := make([]store.Input, 0, len(d.Files)+len(mrtFiles))
	var unused []store.NotUsedInput
	for _, f := range d.Files {
		out = append(out, store.Input{Path: f.Path, Target: f.Target, Kind: string(f.Kind), Size: f.Size, SHA256: f.SHA256, From: f.Date})
	}
	byPath := make(map[string]dataset.File, len(d.MRT))
	for _, f := range d.MRT {
		byPath[f.Path] = f
	}
	for _, s := range mrtFiles {
		if s.Elements == 0 && s.Err == nil {
			f := byPath[s.Path]
			why := "no record in " + month.Format(vocab.MonthLayout)
			if !f.Date.IsZero() {
				why += " (the file is dated " + f.Date.Format(time.DateOnly) + ")"
			}
			unused = append(unused, store.NotUsedInput{Kind: string(dataset.KindMRT), Path: s.Path, Date: f.Date, Reason: why})
			continue
		}
		in := store.Input{Path: s.Path, Target: byPath[s.Path].Target, Kind: string(dataset.KindMRT), Size: s.Size,
			SHA256: s.SHA256, Records: s.Elements}
		if s.From != 0 {
			in.From, in.To = time.Unix(int64(s.From), 0).UTC(), time.Unix(int64(s.To), 0).UTC()
		}
		out = append(out, in)
	}
	return out, unused
}

// MaxInputDistance is how far from the routes' period a dated reference
// input may lie before Compute warns: scores that judge 2014 routes with
// 2023 ROAs are not wrong to compute, but must not be silent about it.
const MaxInputDistance = 180 * 24 * time.Hour

// staleInputs names the reference files dated far from [from, to), one
// line per kind and date (a PeeringDB snapshot is many pages).
func staleInputs(files []dataset.File, from, to time.Time) []string {
	type key struct {
		kind dataset.Kind
		date time.Time
	}
	count := map[key]int{}
	for _, f := range files {
		count[key{f.Kind, f.Date}]++
	}
	var out []string
	for _, f := range files {
		k := key{f.Kind, f.Date}
		n := count[k]
		if n == 0 {
			continue
		}
		count[k] = 0
		if f.Date.IsZero() {
			continue
		}
		var d time.Duration
		switch {
		case f.Date.Before(from):
			d = from.Sub(f.Date)
		case !f.Date.Before(to):
			d = f.Date.Sub(to)
		}
		if d > MaxInputDistance {
			what := fmt.Sprintf("%s input %s is", f.Kind, f.Path)
			if n > 1 {
				what = fmt.Sprintf("%d %s inputs (%s, …) are", n, f.Kind, f.Path)
			}
			out = append(out, fmt.Sprintf("%s dated %s, %d days from the routes (%s to %s): the nearest there is",
				what, f.Date.Format(time.DateOnly), int(d.Hours()/24), from.Format(time.DateOnly), to.Format(time.DateOnly)))
		}
	}
	return out
}

// factsSpan is the time the facts cover, for AllTime computations.
func factsSpan(f *Facts, from, to time.Time) (time.Time, time.Time) {
	var lo, hi uint32
	for _, rf := range f.Routes {
		if lo == 0 || rf.First < lo {
			lo = rf.First
		}
		hi = max(hi, rf.Last)
	}
	if lo == 0 {
		return from, to
	}
	return time.Unix(int64(lo), 0).UTC(), time.Unix(int64(hi)+1, 0).UTC()
}

type month struct {
	cfg        Config
	from, to   time.Time
	facts      *Facts
	keys       []RouteKey   // sorted by prefix, then origin
	routeFacts []*RouteFact // facts of keys[i]
	classes    []Class      // classification of keys[i]
	events     []metricEvent
}

// detect classifies every route and runs the detectors in a stable order.
func (m *month) detect() {
	d := m.cfg.Data
	m.keys = m.facts.SortedRoutes()
	m.classes = make([]Class, len(m.keys))
	m.routeFacts = make([]*RouteFact, len(m.keys))
	dt := &detector{d: d, s: m.cfg.Spec, f: m.facts}
	for i, k := range m.keys {
		rf := m.facts.Routes[k]
		c := classify(d, k)
		m.classes[i], m.routeFacts[i] = c, rf
		dt.route(k, rf, c)
		for _, pid := range rf.Paths {
			dt.path(k, rf, &m.facts.Paths[pid].Path)
		}
	}
	m.events = dt.events
}

func (m *month) build() *store.Month {
	s := m.cfg.Spec
	per := map[bgp.ASN]*metric.Facts{}
	get := func(a bgp.ASN) *metric.Facts {
		f := per[a]
		if f == nil {
			f = &metric.Facts{ASN: a, Spec: s, From: m.from, To: m.to, Events: map[vocab.MetricID][]metric.Event{}}
			per[a] = f
		}
		return f
	}
	out := &store.Month{Meta: store.MonthMeta{Month: vocab.MonthOf(m.cfg.Month).Start(), Spec: s.Ref(), IngestedAt: time.Now().UTC(),
		Final: !time.Now().Before(vocab.MonthOf(m.cfg.Month).End())}}
	invalid := invalidRoutes{}
	for i, k := range m.keys {
		if k.Origin == 0 {
			continue
		}
		c, rf := m.classes[i], m.routeFacts[i]
		countRoute(&get(k.Origin).Routes, c)
		r := routeRecord(k, rf, c)
		r.IRRSource = irrSources(m.cfg.Data, k, c)
		out.Routes = append(out.Routes, r)
		invalid.add(m.cfg.Data, k, c)
	}
	for _, e := range m.events {
		f := get(e.ASN)
		f.Events[e.Metric] = append(f.Events[e.Metric], metric.Event{Event: e.Event, Evidence: e.Evidence})
	}
	peers := m.facts.PeersOf()
	tests := spooferTests(m.cfg.Data.Spoofer)
	space := m.originSpace()
	rovs := m.rovResults()
	ups := m.upstreamRecords()
	leaks := m.leakEvidence(ups)
	for _, a := range m.measured(peers) {
		f := get(a)
		f.Spoofer, f.Contacts = tests[a], contacts(m.cfg.Data, a)
		rec, incidents := m.score(f, peers[a])
		m.reach(&rec, space)
		if r, ok := rovs[a]; ok {
			rec.ROV, rec.ROVPropagated, rec.ROVDropped, rec.ROVConfidence = string(r.Verdict), r.PropagatedAll(), r.Dropped, r.Confidence
			out.ROVEvidence = append(out.ROVEvidence, rovEvidence(&r)...)
		}
		rec.Leak = leakRecord(leaks[a])
		invalid.attach(&rec)
		out.ASNs = append(out.ASNs, rec)
		out.Incidents = append(out.Incidents, incidents...)
	}
	m.aggregate(out)
	slices.SortStableFunc(out.ROVEvidence, func(x, y store.ROVObservation) int { return cmp.Compare(x.ASN, y.ASN) })
	out.Upstreams = ups
	out.Orgs = m.orgRecords(out)
	out.Participants = participantRecords(m.cfg.Participants)
	out.Meta.Stats = store.Stats{RIBEntries: m.facts.RIBEntries, Updates: m.facts.Updates, Routes: int64(len(m.keys)),
		Peers: len(m.facts.Peers), MeasuredASN: len(out.ASNs), Incidents: len(out.Incidents)}
	return out
}

// orgRecords returns the PeeringDB organisations of the month's networks
// (store.Month.Orgs): of every ASN with a record, a route or an upstream
// record that PeeringDB knows, by ASN; describe gave the records the
// same.
func (m *month) orgRecords(out *store.Month) []store.ASNOrg {
	db := m.cfg.Data.PeeringDB
	if db == nil {
		return nil
	}
	seen := map[uint32]bool{}
	for i := range out.ASNs {
		seen[out.ASNs[i].ASN] = true
	}
	for i := range out.Routes {
		seen[out.Routes[i].ASN] = true
	}
	for i := range out.Upstreams {
		seen[out.Upstreams[i].ASN], seen[out.Upstreams[i].Upstream] = true, true
	}
	var orgs []store.ASNOrg
	for a := range seen {
		n, ok := db.Net(bgp.ASN(a))
		if !ok || n.OrgID <= 0 {
			continue
		}
		o := store.ASNOrg{ASN: a, Org: store.Org{ID: n.OrgID}}
		if org, ok := db.Org(n.OrgID); ok {
			o.Org.Name = org.Name
		}
		orgs = append(orgs, o)
	}
	slices.SortFunc(orgs, func(x, y store.ASNOrg) int { return cmp.Compare(x.ASN, y.ASN) })
	return orgs
}

// measured lists the ASNs scored (§13.7): seen by at least MinPeers
// collector peers, plus every assigned ASN of the delegated statistics,
// plus any ASN charged with an event, plus the participants' ASNs.
func (m *month) measured(peers map[bgp.ASN]int) []bgp.ASN {
	set := map[bgp.ASN]bool{}
	for a, n := range peers {
		if n >= m.cfg.Spec.Visibility.MinPeers {
			set[a] = true
		}
	}
	if ix := m.cfg.Data.RIR; ix != nil {
		for r, d := range ix.ASNRanges() {
			if d.Status != "allocated" && d.Status != "assigned" {
				continue
			}
			for a := r.First; a <= r.Last && a >= r.First; a++ {
				set[a] = true
				if a == r.Last {
					break
				}
			}
		}
	}
	for _, e := range m.events {
		set[e.ASN] = true
	}
	// Participants are always scored: comparing them with all networks
	// must not lose those the collectors barely see.
	if l := m.cfg.Participants; l != nil {
		for _, a := range l.ASNs("") {
			set[a] = true
		}
	}
	out := make([]bgp.ASN, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

func routeRecord(k RouteKey, rf *RouteFact, c Class) store.Route {
	r := store.Route{ASN: uint32(k.Origin), Prefix: k.Prefix.String(), RPKI: c.RPKI.String(), IRR: c.IRR.String(),
		Peers: len(rf.Peers), FirstSeen: time.Unix(int64(rf.First), 0).UTC(), LastSeen: time.Unix(int64(rf.Last), 0).UTC()}
	if c.Bogon != 0 {
		r.Bogon = c.Bogon.String()
	}
	return r
}

// countRoute counts one route an ASN originated by its RPKI and IRR
// states.
func countRoute(r *metric.Routes, c Class) {
	r.Announced++
	if c.RPKI == rov.Valid {
		r.Valid++
	} else if c.RPKI != rov.NotFound {
		r.Invalid++
	}
	switch c.IRR {
	case irr.Exact:
		r.IRRExact++
	case irr.Covered:
		r.IRRCovered++
	}
}

// score runs every metric unit (package metric) on one ASN's facts and
// combines the metrics into its Action scores (score.Actions).
func (m *month) score(f *metric.Facts, peers int) (store.ASN, []store.Incident) {
	rec := store.ASN{ASN: uint32(f.ASN), Peers: peers, Announced: f.Routes.Announced, Participant: m.cfg.Participants.Has(f.ASN, "")}
	m.describe(&rec)
	var incidents []store.Incident
	for _, u := range metric.All() {
		r := u.Formula(f)
		rec.Metrics = append(rec.Metrics, r.Metric)
		incidents = append(incidents, r.Incidents...)
	}
	score.Actions(m.cfg.Spec, &rec)
	return rec, incidents
}

// describe fills holder, economy and regions of an ASN. The economy is
// the delegated statistics' country; where they give none, or only a
// pseudo-code (EU, AP, ZZ), the AS name list's country. The keys are
// canonical (region.Locate). The holder is the
// AS name list's name, else PeeringDB's; the organisation PeeringDB's.
func (m *month) describe(rec *store.ASN) {
	a := bgp.ASN(rec.ASN)
	var cc, registry string
	if ix := m.cfg.Data.RIR; ix != nil {
		if d, _, ok := ix.ASN(a); ok {
			cc, registry = d.CC, d.Registry
		}
	}
	name, named := m.cfg.Data.Names.Lookup(a)
	if e, ok := region.Lookup(cc); (!ok || e.Pseudo()) && named && name.Country != "" {
		cc = name.Country
	}
	// One key per RIR, economy and region (region.Locate): "ripencc" and
	// "RIPE NCC" are one RIR, IANA none, "jp" is JP, ZZ no economy.
	p := region.Locate(cc, registry)
	rec.Country, rec.Region, rec.SubRegion, rec.RIR = p.Country, p.Region, p.SubRegion, p.RIR
	if named {
		rec.Holder = name.Name
	}
	if db := m.cfg.Data.PeeringDB; db != nil {
		if n, ok := db.Net(a); ok {
			if rec.Holder == "" {
				rec.Holder = n.Name
			}
			if n.OrgID > 0 {
				rec.Org.ID = n.OrgID
				if o, ok := db.Org(n.OrgID); ok {
					rec.Org.Name = o.Name
				}
			}
		}
	}
}

// participantRecords converts a participant list for the store.
func participantRecords(l *participants.List) []store.Participant {
	if l == nil {
		return nil
	}
	out := make([]store.Participant, len(l.Participants))
	for i, p := range l.Participants {
		asns := make([]uint32, len(p.ASNs))
		for j, a := range p.ASNs {
			asns[j] = uint32(a)
		}
		out[i] = store.Participant{Organisation: p.Organisation, Programme: p.Programme, ASNs: asns, Approved: p.Approved, Areas: p.Areas}
	}
	return out
}
