package peeringdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// DB indexes PeeringDB objects by AS number. It is immutable once built
// and safe for concurrent use.
type DB struct {
	nets      map[bgp.ASN]*Net
	netByID   map[int]*Net
	orgs      map[int]*Org
	pocs      map[int][]Poc // net id -> separately loaded poc objects
	ixs       map[int]*IX
	netixlans map[bgp.ASN][]NetIXLan
	counts    map[Tag]int
}

// Builder collects objects for a DB. The zero value is ready to use.
type Builder struct{ db DB }

// Add indexes one object. Objects with status "deleted" are counted but not
// indexed; an object whose id was seen before replaces the earlier one.
func (b *Builder) Add(o Object) {
	b.init()
	b.db.counts[o.Tag()]++
	switch o := o.(type) {
	case *Net:
		if o.Status != "deleted" {
			if old, ok := b.db.netByID[o.ID]; ok && old.ASN != o.ASN {
				delete(b.db.nets, old.ASN)
			}
			b.db.nets[o.ASN], b.db.netByID[o.ID] = o, o
		}
	case *Org:
		if o.Status != "deleted" {
			b.db.orgs[o.ID] = o
		}
	case *Poc:
		if o.Status != "deleted" {
			b.db.pocs[o.NetID] = slices.DeleteFunc(b.db.pocs[o.NetID], func(p Poc) bool { return p.ID == o.ID })
			b.db.pocs[o.NetID] = append(b.db.pocs[o.NetID], *o)
		}
	case *IX:
		if o.Status != "deleted" {
			b.db.ixs[o.ID] = o
		}
	case *NetIXLan:
		if o.Status != "deleted" {
			b.db.netixlans[o.ASN] = slices.DeleteFunc(b.db.netixlans[o.ASN], func(n NetIXLan) bool { return n.ID == o.ID })
			b.db.netixlans[o.ASN] = append(b.db.netixlans[o.ASN], *o)
		}
	}
}

func (b *Builder) init() {
	if b.db.counts != nil {
		return
	}
	b.db = DB{
		nets: map[bgp.ASN]*Net{}, netByID: map[int]*Net{}, orgs: map[int]*Org{}, pocs: map[int][]Poc{},
		ixs: map[int]*IX{}, netixlans: map[bgp.ASN][]NetIXLan{}, counts: map[Tag]int{},
	}
}

// Load reads every object of one page or dump and adds it. It returns the
// number of objects read, and stops early when ctx is done. Damaged
// objects go to damaged (see inputerr.Log): skipped and counted, or, with
// a strict or nil Log, the first one ends the load with its
// *inputerr.Error; the objects read before it stay added.
func (b *Builder) Load(ctx context.Context, r io.Reader, name string, tag Tag, damaged *inputerr.Log) (int64, error) {
	rd := NewReader(r, name, tag)
	for {
		if rd.Count()%4096 == 4095 && ctx.Err() != nil {
			return rd.Count(), fmt.Errorf("load %s: %w", name, context.Cause(ctx))
		}
		o, err := rd.Next()
		if err == io.EOF {
			return rd.Count(), nil
		}
		if err != nil {
			if err := damaged.SkipErr(err); err != nil {
				return rd.Count(), err
			}
			continue
		}
		b.Add(o)
	}
}

// LoadFile opens a page or dump, decompressing it if needed, and loads it;
// the type of a page's objects comes from its name or content.
func (b *Builder) LoadFile(ctx context.Context, path string, damaged *inputerr.Log) (n int64, err error) {
	f, err := decompress.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open PeeringDB file: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return b.Load(ctx, f, path, "", damaged)
}

// Build returns the DB of the objects added so far. The Builder must not
// be used afterwards.
func (b *Builder) Build() *DB {
	b.init()
	db := b.db
	b.db = DB{}
	return &db
}

// Counts returns the number of objects added per type, deleted ones
// included.
func (db *DB) Counts() map[Tag]int { return maps.Clone(db.counts) }

// Net returns the net of AS a.
func (db *DB) Net(a bgp.ASN) (Net, bool) {
	n, ok := db.nets[a]
	if !ok {
		return Net{}, false
	}
	return *n, true
}

// Org returns the organisation with the given id.
func (db *DB) Org(id int) (Org, bool) {
	o, ok := db.orgs[id]
	if !ok {
		return Org{}, false
	}
	return *o, true
}

// Contacts returns the points of contact of AS a's net: the poc objects
// loaded for it and those embedded in its poc_set, by id, without
// duplicates.
func (db *DB) Contacts(a bgp.ASN) []Poc {
	n, ok := db.nets[a]
	if !ok {
		return nil
	}
	out := slices.Clone(db.pocs[n.ID])
	for _, p := range n.PocSet.Pocs {
		if p.Status != "deleted" && !slices.ContainsFunc(out, func(q Poc) bool { return q.ID == p.ID }) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(x, y Poc) int { return x.ID - y.ID })
	return out
}

// HasContact reports whether AS a has a reachable contact in PeeringDB
// (framework §13.3): a point of contact of its net whose role is Technical
// or NOC and that gives an e-mail address or a phone number, or an e-mail
// address in the net object itself. The anonymous API has no e-mail field
// on nets, so that is an address in the net's notes ("peering@…"), as
// networks without a published contact write them. Abuse, Policy, Sales,
// Maintenance and Public Relations contacts, and abuse@ addresses, do not
// count.
func (db *DB) HasContact(a bgp.ASN) bool {
	n, ok := db.nets[a]
	if !ok {
		return false
	}
	for _, p := range db.pocs[n.ID] {
		if IsCoordinationContact(p) {
			return true
		}
	}
	for _, p := range n.PocSet.Pocs {
		if p.Status != "deleted" && IsCoordinationContact(p) {
			return true
		}
	}
	return len(ContactEmails(n.Notes)) > 0
}

var reEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)

// ContactEmails returns the e-mail addresses of a free text that can
// reach an operator: all but abuse desks (abuse@, abuse-…@).
func ContactEmails(text string) []string {
	var out []string
	for _, e := range reEmail.FindAllString(text, -1) {
		local, _, _ := strings.Cut(strings.ToLower(e), "@")
		if local == "abuse" || strings.HasPrefix(local, "abuse-") || strings.HasPrefix(local, "abuse.") {
			continue
		}
		out = append(out, e)
	}
	return out
}

// IsCoordinationContact reports whether p counts for §13.3: role Technical
// or NOC (any case), and a non-blank e-mail or phone.
func IsCoordinationContact(p Poc) bool {
	role := strings.TrimSpace(p.Role)
	if !strings.EqualFold(role, "Technical") && !strings.EqualFold(role, "NOC") {
		return false
	}
	return strings.TrimSpace(p.Email) != "" || strings.TrimSpace(p.Phone) != ""
}

// Presence is one exchange an AS is at.
type Presence struct {
	IX    IX         // the ix object; only ID and Name when no ix object was loaded
	Ports []NetIXLan // the AS's ports on the exchange's LANs
}

// IXs returns the exchanges AS a has ports at, by ix id.
func (db *DB) IXs(a bgp.ASN) []Presence {
	byIX := map[int]*Presence{}
	var ids []int
	for _, n := range db.netixlans[a] {
		p, ok := byIX[n.IXID]
		if !ok {
			ix := IX{ID: n.IXID, Name: n.Name}
			if full, ok := db.ixs[n.IXID]; ok {
				ix = *full
			}
			p = &Presence{IX: ix}
			byIX[n.IXID] = p
			ids = append(ids, n.IXID)
		}
		p.Ports = append(p.Ports, n)
	}
	slices.Sort(ids)
	out := make([]Presence, 0, len(ids))
	for _, id := range ids {
		out = append(out, *byIX[id])
	}
	return out
}

// ASNs returns the AS numbers with a net, ascending.
func (db *DB) ASNs() []bgp.ASN {
	return slices.Sorted(maps.Keys(db.nets))
}
