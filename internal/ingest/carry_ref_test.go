package ingest

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
)

// refLife is how the reference follows announcements (carry.go states
// the rule): one pass over every file in order, one map of what each peer
// announces, no partial facts. inFile[i] is how far file i's own
// announcements extend its routes; extra are the spans of announcements
// that outlived the file that made them.
type refLife struct {
	inFile []map[RouteKey]uint32
	extra  map[RouteKey][]Span
}

type refPeerPrefix struct {
	peer   PeerKey
	prefix netip.Prefix
}

type refLive struct {
	origin bgp.ASN
	file   int
	since  uint32 // for one carried past its file: that file's end
}

func refLifetimes(ctx context.Context, files []string, opt CollectOptions) (*refLife, error) {
	out := &refLife{extra: map[RouteKey][]Span{}}
	live := map[refPeerPrefix]refLive{}
	alive := map[PeerKey]uint32{}
	for i, path := range files {
		in := map[RouteKey]uint32{}
		out.inFile = append(out.inFile, in)
		end := func(pp refPeerPrefix, l refLive, t uint32) {
			k := RouteKey{Prefix: pp.prefix, Origin: l.origin}
			if l.file == i {
				in[k] = max(in[k], t)
			} else if t > l.since {
				out.extra[k] = append(out.extra[k], Span{l.since, t})
			}
		}
		fileEnd, err := refLifeFile(ctx, path, opt, func(e *mrt.Elem) {
			peer := PeerKey{IP: e.PeerIP, AS: e.PeerAS}
			pp := refPeerPrefix{peer, e.Prefix}
			switch e.Kind {
			case mrt.KindAnnounce:
				alive[peer] = max(alive[peer], e.Time)
				origin, _ := e.Attrs.Path.Origin()
				if l, ok := live[pp]; ok && (l.origin != origin || l.file != i) {
					end(pp, l, e.Time)
				} else if ok {
					return // the same announcement again, in the same file
				}
				live[pp] = refLive{origin: origin, file: i}
			case mrt.KindWithdraw:
				alive[peer] = max(alive[peer], e.Time)
				if l, ok := live[pp]; ok {
					end(pp, l, e.Time)
					delete(live, pp)
				}
			case mrt.KindState:
				if e.OldState != 6 || e.NewState == 6 {
					return
				}
				for q, l := range live {
					if q.peer == peer {
						end(q, l, e.Time)
						delete(live, q)
					}
				}
			}
		})
		if err != nil {
			return nil, err
		}
		for pp, l := range live {
			if l.file == i {
				k := RouteKey{Prefix: pp.prefix, Origin: l.origin}
				in[k] = max(in[k], fileEnd)
				l.since = fileEnd
				live[pp] = l
			}
		}
	}
	for pp, l := range live {
		if t := alive[pp.peer]; t > l.since {
			out.extra[RouteKey{Prefix: pp.prefix, Origin: l.origin}] = append(out.extra[RouteKey{Prefix: pp.prefix, Origin: l.origin}], Span{l.since, t})
		}
	}
	return out, nil
}

// refLifeFile calls f with each element of the file within the window
// and returns the file's end: its last RIB entry or announcement.
func refLifeFile(ctx context.Context, path string, opt CollectOptions, f func(*mrt.Elem)) (uint32, error) {
	r, err := decompress.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer r.Close()
	sc := mrt.NewScanner(mrt.NewReader(r, path, mrt.Options{Resync: true}), false)
	var fileEnd uint32
	for e := range sc.Elems() {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if opt.To != 0 && (e.Time < opt.From || e.Time >= opt.To) {
			continue
		}
		if e.Kind == mrt.KindRIB || e.Kind == mrt.KindAnnounce {
			fileEnd = max(fileEnd, e.Time)
		}
		f(e)
	}
	return fileEnd, nil
}

// apply extends the files' routes and adds the carried spans to the merge.
func (l *refLife) applyFiles(parts []*Facts) {
	for i, p := range parts {
		if p == nil {
			continue
		}
		for k, t := range l.inFile[i] {
			if rf := p.Routes[k]; rf != nil {
				rf.Last = max(rf.Last, t)
			}
		}
	}
}

func (l *refLife) applyMerged(out *Facts) {
	for k, spans := range l.extra {
		rf := out.Routes[k]
		if rf == nil {
			continue
		}
		for _, sp := range spans {
			rf.First, rf.Last = min(rf.First, sp.Start), max(rf.Last, sp.End)
			rf.Spans = append(rf.Spans, sp)
		}
	}
}
