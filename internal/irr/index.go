package irr

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"

	"github.com/gaissmai/bart"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// Builder gathers objects, from one or several streams and sources, into
// an Index. A Builder is not safe for concurrent use.
type Builder struct {
	routes   []routeRec
	autNums  []*AutNum
	asSets   []*ASSet
	mntners  []*Mntner
	contacts []*Contact
}

// routeRec is a route or route6 object reduced to what the index keeps.
type routeRec struct {
	prefix netip.Prefix
	origin bgp.ASN
	source string
}

// Add adds one object. Objects of the same class, key and source replace
// each other, the last one added winning; identical route objects collapse.
func (b *Builder) Add(obj Object) {
	switch o := obj.(type) {
	case *Route:
		b.routes = append(b.routes, routeRec{o.Prefix, o.Origin, o.Source})
	case *AutNum:
		b.autNums = append(b.autNums, o)
	case *ASSet:
		b.asSets = append(b.asSets, o)
	case *Mntner:
		b.mntners = append(b.mntners, o)
	case *Contact:
		b.contacts = append(b.contacts, o)
	}
}

// Load reads a whole stream with the given options and adds its objects.
// In lenient mode it returns an error only when reading fails or ctx is
// done; in strict mode it stops at the first bad object and returns its
// *inputerr.Error. With Options.Damaged, bad objects and a read error are
// damaged records: it fails only when the Log makes one an error. The
// objects read before an error stay added.
func (b *Builder) Load(ctx context.Context, r io.Reader, opts Options) (Stats, error) {
	rd := NewReader(r, opts)
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return rd.Stats(), fmt.Errorf("irr: loading %s: %w", rd.name(), err)
			}
		}
		obj, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd.Stats(), nil
		}
		if err != nil {
			if opts.Damaged != nil && errors.As(err, new(*inputerr.Error)) {
				if err := opts.Damaged.SkipErr(err); err == nil {
					continue // a read error, reported: the next Next ends
				}
			}
			return rd.Stats(), err
		}
		b.Add(obj)
	}
}

// Index is an immutable, query-ready view of IRR objects of one or more
// sources. It is safe for concurrent use.
type Index struct {
	sources  []string // sorted; a source's position is its id
	table    bart.Table[span]
	entries  []routeEntry // route objects grouped by prefix, see span
	autNums  map[bgp.ASN][]*AutNum
	asSets   map[string][]*ASSet // by name, one per source, sorted by source
	mntners  map[string][]*Mntner
	refs     map[setKey][]bgp.ASN  // as-set members by reference (member-of)
	contacts map[string][]*Contact // person and role objects by nic-hdl
}

// span locates the route objects of one prefix in Index.entries.
type span struct{ off, n uint32 }

// routeEntry is one (origin, source) registered for a prefix. Entries of a
// prefix are sorted by origin, then source.
type routeEntry struct {
	origin bgp.ASN
	src    uint32
}

// setKey names an as-set within a source.
type setKey struct {
	src  uint32
	name string
}

// Build returns the Index of everything added so far and empties the
// Builder, which can then be reused.
func (b *Builder) Build() *Index {
	x := &Index{}
	x.sources = b.sourceNames()
	x.indexRoutes(b.routes)
	x.autNums = groupBySource(b.autNums, func(a *AutNum) bgp.ASN { return a.ASN })
	x.asSets = groupBySource(b.asSets, func(s *ASSet) string { return s.Name })
	x.mntners = groupBySource(b.mntners, func(m *Mntner) string { return m.Name })
	x.contacts = groupBySource(b.contacts, func(c *Contact) string { return c.Handle })
	x.indexRefs()
	*b = Builder{}
	return x
}

// sourceNames returns the sorted distinct sources of all added objects.
func (b *Builder) sourceNames() []string {
	var s []string
	for _, r := range b.routes {
		s = append(s, r.source)
	}
	for _, a := range b.autNums {
		s = append(s, a.Source)
	}
	for _, a := range b.asSets {
		s = append(s, a.Source)
	}
	for _, m := range b.mntners {
		s = append(s, m.Source)
	}
	for _, c := range b.contacts {
		s = append(s, c.Source)
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// srcID returns the id of a source known to the index.
func (x *Index) srcID(source string) (uint32, bool) {
	i, ok := slices.BinarySearch(x.sources, source)
	return uint32(i), ok
}

// indexRoutes sorts the route objects by prefix, drops duplicates and
// stores one span per prefix in the prefix table.
func (x *Index) indexRoutes(recs []routeRec) {
	type keyed struct {
		prefix netip.Prefix
		routeEntry
	}
	ks := make([]keyed, len(recs))
	for i, r := range recs {
		id, _ := x.srcID(r.source)
		ks[i] = keyed{r.prefix, routeEntry{r.origin, id}}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(a.prefix.Addr().Compare(b.prefix.Addr()), cmp.Compare(a.prefix.Bits(), b.prefix.Bits()),
			cmp.Compare(a.origin, b.origin), cmp.Compare(a.src, b.src))
	})
	ks = slices.Compact(ks)
	x.entries = make([]routeEntry, len(ks))
	for i := 0; i < len(ks); {
		j := i
		for j < len(ks) && ks[j].prefix == ks[i].prefix {
			x.entries[j] = ks[j].routeEntry
			j++
		}
		x.table.Insert(ks[i].prefix, span{uint32(i), uint32(j - i)})
		i = j
	}
}

// groupBySource maps each key to its objects, one per source (the last
// added wins), sorted by source.
func groupBySource[K comparable, O Object](objs []O, key func(O) K) map[K][]O {
	m := make(map[K][]O)
	for _, o := range objs {
		k := key(o)
		list := m[k]
		i := slices.IndexFunc(list, func(p O) bool { return p.Head().Source == o.Head().Source })
		if i >= 0 {
			list[i] = o
			continue
		}
		m[k] = append(list, o)
	}
	for _, list := range m {
		slices.SortFunc(list, func(a, b O) int { return cmp.Compare(a.Head().Source, b.Head().Source) })
	}
	return m
}

// Sources returns the sources of the indexed objects, sorted. An object
// without source and without a default source has the empty source "".
func (x *Index) Sources() []string { return slices.Clone(x.sources) }

// Routes returns the number of distinct (prefix, origin, source) route and
// route6 registrations.
func (x *Index) Routes() int { return len(x.entries) }

// AutNums returns the aut-num objects of an AS, one per source, sorted by
// source. The objects are shared and must not be modified.
func (x *Index) AutNums(asn bgp.ASN) []*AutNum { return x.autNums[asn] }

// ASSets returns the as-set objects of a name (case-insensitive), one per
// source, sorted by source. The objects are shared and must not be modified.
func (x *Index) ASSets(name string) []*ASSet { return x.asSets[upperASCII(name)] }

// Mntners returns the mntner objects of a name (case-insensitive), one per
// source, sorted by source. The objects are shared and must not be modified.
func (x *Index) Mntners(name string) []*Mntner { return x.mntners[upperASCII(name)] }
