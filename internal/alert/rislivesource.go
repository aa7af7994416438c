package alert

import (
	"errors"
	"io"
	"iter"

	"github.com/observatory-net/observatory/internal/rislive"
)

// RISLiveSource yields the observations of a RIS Live feed (a replay
// file, or a websocket's messages written one a line), converted as an
// MRT file's are (FromMRT): the same route makes the same observation
// whichever way it came.
type RISLiveSource struct {
	r      *rislive.Reader
	source string
	err    error
	// SourceOf, when set, names the peers' source after each message's
	// collector instead (a live feed of many collectors).
	SourceOf func(host string) string
}

// NewRISLiveSource reads r; the peers' source is source (empty: peers
// are told apart by address and AS only, as in an MRT replay).
func NewRISLiveSource(r *rislive.Reader, source string) *RISLiveSource {
	return &RISLiveSource{r: r, source: source}
}

// All yields the observations until the feed ends or a message is bad
// (Err).
func (s *RISLiveSource) All() iter.Seq[Observation] {
	return func(yield func(Observation) bool) {
		for {
			es, err := s.r.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					s.err = err
				}
				return
			}
			source := s.source
			if s.SourceOf != nil {
				source = s.SourceOf(s.r.Host)
			}
			for i := range es {
				if o, ok := FromMRT(&es[i], source); ok && !yield(o) {
					return
				}
			}
		}
	}
}

// Err is what stopped All before the end of the feed, nil otherwise.
func (s *RISLiveSource) Err() error { return s.err }
