package live

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/rislive"
)

// RISLive is a feed of RIS Live messages, one JSON object a line, as a
// websocket client writes them (for instance `websocat
// wss://ris-live.ripe.net/v1/ws/ | observatory live --ris-live -`) or a
// file replays them. Each route is observed when it arrives, stamped
// with the feed's clock as the station's are; its peers are told apart by
// collector (Source "rislive:rrc21").
type RISLive struct {
	R      io.Reader
	Name   string // for messages: the file, or "stdin"
	Now    func() time.Time
	Logger *slog.Logger
}

// Run sends the feed's observations to out until the reader ends, a
// message is damaged (returned, naming its line), or ctx is done.
func (s *RISLive) Run(ctx context.Context, out chan<- alert.Observation) error {
	now := s.Now
	if now == nil {
		now = time.Now
	}
	src := alert.NewRISLiveSource(rislive.NewReader(s.R, s.Name), "")
	src.SourceOf = func(host string) string { return "rislive:" + host }
	n := 0
	for o := range src.All() {
		select {
		case out <- restamp(o, now()):
			n++
		case <-ctx.Done():
			return nil
		}
	}
	if err := src.Err(); err != nil {
		return fmt.Errorf("RIS Live feed: %w", err)
	}
	if s.Logger != nil {
		s.Logger.Info("RIS Live feed ended", "feed", s.Name, "observations", n)
	}
	return nil
}

// restamp gives o the arrival time t.
func restamp(o alert.Observation, t time.Time) alert.Observation {
	switch v := o.(type) {
	case alert.Announce:
		v.Time = t
		return v
	case alert.Withdraw:
		v.Time = t
		return v
	case alert.PeerDown:
		v.Time = t
		return v
	}
	return o
}
