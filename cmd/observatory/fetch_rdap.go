package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/rdap"
	"github.com/observatory-net/observatory/internal/rir"
)

// rdapFlags fill the RDAP cache of registry contacts (framework §13.3)
// for the registries without a bulk whois dump.
type rdapFlags struct {
	registries []string
	servers    map[string]string
	interval   time.Duration
	max        int
}

func (o *rdapFlags) register(f interface {
	StringSliceVar(*[]string, string, []string, string)
	StringToStringVar(*map[string]string, string, map[string]string, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	IntVar(*int, string, int, string)
}) {
	f.StringSliceVar(&o.registries, "rdap", nil, "also cache the RDAP answers (registry contacts, M8) of the ASNs these registries delegate: arin, lacnic")
	f.StringToStringVar(&o.servers, "rdap-server", nil, "RDAP base URL of a registry, registry=URL (default: rdap.arin.net, rdap.lacnic.net)")
	f.DurationVar(&o.interval, "rdap-interval", rdap.DefaultInterval, "least time between two RDAP requests")
	f.IntVar(&o.max, "rdap-max", 0, "at most this many RDAP requests (0: no bound); cached answers are not asked again")
}

// rdapStats counts what fillRDAP did.
type rdapStats struct{ asns, fetched, cached, notFound, failed int }

func (s rdapStats) String() string {
	return fmt.Sprintf("rdap: %d ASNs, %d answers fetched, %d cached, %d not found, %d failed", s.asns, s.fetched, s.cached, s.notFound, s.failed)
}

// fillRDAP asks the RDAP servers of the registries for every ASN the
// delegated statistics under dest give them, and caches each answer under
// dest in the layout ingest reads (rdap.CachePath). Answers already
// cached are kept; a failed lookup is counted, not fatal.
func fillRDAP(ctx context.Context, dest, userAgent string, o rdapFlags, stderr io.Writer) (rdapStats, error) {
	var st rdapStats
	asns, err := delegatedASNs(ctx, dest, o.registries)
	if err != nil {
		return st, err
	}
	servers := map[string]string{}
	for _, r := range o.registries {
		if u, ok := o.servers[r]; ok {
			servers[r] = u
		} else if u, ok := rdap.Servers[r]; ok {
			servers[r] = u
		} else {
			return st, usageError(fmt.Errorf("--rdap %s: no RDAP server known (give --rdap-server %s=URL)", r, r))
		}
	}
	c := &rdap.Client{Dir: dest, Servers: servers, Interval: o.interval, UserAgent: userAgent}
	for _, ra := range asns {
		if o.max > 0 && st.fetched+st.notFound+st.failed >= o.max {
			break
		}
		st.asns++
		_, cached, err := c.Autnum(ctx, ra.registry, ra.asn)
		switch {
		case ctx.Err() != nil:
			return st, ctx.Err()
		case errors.Is(err, rdap.ErrNotFound):
			st.notFound++
		case err != nil:
			st.failed++
			fmt.Fprintf(stderr, "rdap: %s %s: %v\n", ra.registry, ra.asn, err)
		case cached:
			st.cached++
		default:
			st.fetched++
		}
	}
	return st, nil
}

type registryASN struct {
	registry string
	asn      bgp.ASN
}

// delegatedASNs lists the allocated and assigned ASNs of the registries
// in the delegated statistics found under dir, in ASN order.
func delegatedASNs(ctx context.Context, dir string, registries []string) ([]registryASN, error) {
	all, err := dataset.Discover(ctx, dir)
	if err != nil {
		return nil, err
	}
	var files []dataset.File
	for _, f := range all {
		if f.Kind == dataset.KindDelegated {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("--rdap: no delegated statistics under %s to take the ASNs from", dir)
	}
	s, err := dataset.Load(ctx, files, dataset.Options{Damaged: &inputerr.Log{}})
	if err != nil {
		return nil, err
	}
	var out []registryASN
	for r, d := range s.RIR.ASNRanges() {
		reg := strings.ToLower(d.Registry)
		if !slices.Contains(registries, reg) || (d.Status != rir.Allocated && d.Status != rir.Assigned) {
			continue
		}
		for a := uint64(r.First); a <= uint64(r.Last); a++ {
			out = append(out, registryASN{reg, bgp.ASN(a)})
		}
	}
	return out, nil
}
