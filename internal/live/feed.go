package live

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/observatory-net/observatory/internal/alert"
	"github.com/observatory-net/observatory/internal/bmp"
)

// QueueSize is how many observations may wait for the engine; beyond it
// the station's sessions wait (no observation is dropped).
const QueueSize = 4096

// Feed runs a BMP station, a VRP source and an alert engine together:
// every route event of the station and every VRP set of the source is an
// observation of the engine, in the order they came, and every incident
// event goes to Emit.
type Feed struct {
	Station *bmp.Station // its Handler is set by Run
	Engine  *alert.Engine
	VRPs    VRPSource // nil: the engine's first VRP set is kept
	// Routes are more route feeds beside the station (RISLive), run as
	// the VRP source is; one that ends or fails is logged, the rest go on.
	Routes []VRPSource
	// Emit receives the engine's events, one at a time, from one
	// goroutine; nil discards them.
	Emit func(alert.Event)
	// Tick is the period of the engine's Ticks (hold timers); default 1 s.
	Tick   time.Duration
	Logger *slog.Logger
	// Now is the engine's clock; nil: time.Now.
	Now func() time.Time

	stopping atomic.Bool
	in       chan alert.Observation
}

// Run serves ln until ctx ends (or the station fails, which it returns).
// Then it stops taking the station's
// events, closes the station (whose session teardown withdraws every
// route: those withdrawals are not observed, so no incident closes for
// the observatory's own shutdown), stops the VRP source, lets the engine
// apply what was queued, and returns.
func (f *Feed) Run(ctx context.Context, ln net.Listener) error {
	if f.Now == nil {
		f.Now = time.Now
	}
	if f.Logger == nil {
		f.Logger = slog.New(slog.DiscardHandler)
	}
	tick := f.Tick
	if tick <= 0 {
		tick = time.Second
	}
	f.in = make(chan alert.Observation, QueueSize)
	f.Station.Handler = f.handle

	emit := f.Emit
	if emit == nil {
		emit = func(alert.Event) {}
	}
	feeds, stopFeeds := context.WithCancel(context.WithoutCancel(ctx))
	defer stopFeeds()
	var wg sync.WaitGroup
	stationDone := make(chan error, 1)
	go func() { stationDone <- f.Station.Serve(feeds, ln) }()
	if f.VRPs != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.VRPs.Run(feeds, f.in); err != nil {
				f.Logger.Error("VRP source stopped", "error", err.Error())
			}
		}()
	}
	for _, src := range f.Routes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := src.Run(feeds, f.in); err != nil {
				f.Logger.Error("route feed stopped", "error", err.Error())
			}
		}()
	}
	engineDone := make(chan error, 1)
	go func() {
		engineDone <- f.Engine.Run(context.Background(), f.in, f.Now, tick, emit)
	}()

	var stationErr error
	select {
	case <-ctx.Done():
		f.stopping.Store(true)
		stopFeeds()
		stationErr = <-stationDone
	case stationErr = <-stationDone: // the listener failed: stop the rest
		if stationErr == nil {
			stationErr = errors.New("bmp station stopped")
		}
		f.stopping.Store(true)
		stopFeeds()
	}
	wg.Wait()
	close(f.in) // no sender is left
	err := <-engineDone
	return errors.Join(err, stationErr)
}

// handle is the station's Handler: it runs with the station's lock held,
// one event at a time.
func (f *Feed) handle(ev bmp.Event) {
	if f.stopping.Load() {
		return
	}
	switch ev.Kind {
	case bmp.KindPeerUp:
		f.Logger.Info("bmp peer up", "router", ev.Router.String(), "peer", PeerOf(ev).String(), "detail", ev.Reason)
	case bmp.KindPeerDown:
		f.Logger.Warn("bmp peer down: its routes are withdrawn", "router", ev.Router.String(), "peer", PeerOf(ev).String(), "reason", ev.Reason)
	}
	if o, ok := Observation(ev, f.Now()); ok {
		f.in <- o
	}
}
