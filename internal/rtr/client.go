package rtr

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// Client is an RTR client of one cache. Set its fields, then call Run (to
// follow the cache) or Fetch (for one full transfer). Fields must not
// change once Run or Fetch has started; Snapshot may be called from any
// goroutine.
type Client struct {
	// Addr is the cache's host:port.
	Addr string
	// Version is the highest protocol version offered. Version2 also
	// fetches ASPAs from caches speaking draft-10; the zero value offers
	// only version 0 (RFC 6810).
	Version Version
	// Logger receives connection, update and error events; nil discards
	// them.
	Logger *slog.Logger
	// OnUpdate, when set, is called on Run's goroutine after each End of
	// Data has been committed, with the new serial and what changed. It
	// should return quickly: the session waits for it.
	OnUpdate func(Update)
	// Dial opens the connection; nil uses a net.Dialer with Timeout.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Refresh, when positive, replaces End of Data's refresh interval: the
	// longest wait for a Serial Notify before a Serial Query is sent.
	Refresh time.Duration
	// Timeout bounds dialing, each write, and the silence of the cache
	// while an answer is awaited or a transfer is under way. Default 30 s.
	Timeout time.Duration
	// MinBackoff and MaxBackoff bound the wait before reconnecting, which
	// doubles after each connection that ended without End of Data, up to
	// MaxBackoff or the cache's retry interval, whichever is shorter.
	// Defaults 1 s and 60 s.
	MinBackoff, MaxBackoff time.Duration

	cur atomic.Pointer[published]
}

// State describes the data of the last committed End of Data.
type State struct {
	Session uint16
	Serial  uint32
	// Version is the protocol version of the session.
	Version Version
	// Updated is when End of Data was committed; zero before the first.
	Updated time.Time
	// Refresh, Retry and Expire are the session's timers (End of Data's,
	// or RFC 8210 §6's defaults for version 0).
	Refresh, Retry, Expire time.Duration
}

// Update reports one committed End of Data.
type Update struct {
	State    State
	Snapshot *rpki.Snapshot
	// Reset is set when the data came from a Reset Query (a full
	// transfer) or expired, rather than from a Serial Query.
	Reset bool
	// Added and Removed are the VRPs that the update added and removed,
	// sorted by rpki.Compare: the net change against the previous
	// snapshot, empty when a new serial changed nothing.
	Added, Removed []rpki.VRP
	// ASPAs lists, sorted, the customers whose provider sets changed.
	ASPAs []bgp.ASN
}

type published struct {
	snap  *rpki.Snapshot
	state State
}

// Snapshot returns the data of the last End of Data and its state: a nil
// (empty) snapshot and a zero State before the first one, or once the data
// expired.
func (c *Client) Snapshot() (*rpki.Snapshot, State) {
	if p := c.cur.Load(); p != nil {
		return p.snap, p.state
	}
	return nil, State{}
}

// Defaults of RFC 8210 §6, used for version 0 sessions whose End of Data
// carries no timers.
const (
	defaultRefresh = 3600 * time.Second
	defaultRetry   = 600 * time.Second
	defaultExpire  = 7200 * time.Second
)

// errDone ends Fetch's session after its End of Data.
var errDone = errors.New("rtr: transfer done")

// errDowngrade asks for an immediate reconnection with a lower version.
var errDowngrade = errors.New("rtr: cache does not support the version")

// Run connects to the cache and keeps its data current until ctx is
// cancelled, reconnecting with backoff whenever the connection fails; it
// returns ctx's error, or a configuration error at once.
func (c *Client) Run(ctx context.Context) error {
	r, err := c.newRunner()
	if err != nil {
		return err
	}
	backoff := r.minBackoff
	for {
		err := r.session(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := backoff
		switch {
		case errors.Is(err, errDowngrade):
			wait = 0
		case r.synced:
			wait, backoff = r.minBackoff, r.minBackoff
		default:
			// End of Data's retry interval (RFC 8210 §6) caps the backoff.
			backoff = max(min(2*backoff, r.maxBackoff, r.state.Retry), r.minBackoff)
		}
		r.log.Warn("rtr: connection ended", "addr", c.Addr, "err", err, "retry_in", wait)
		if err := r.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// Fetch connects, performs one full transfer (stepping down versions as
// needed) and returns its data; the snapshot is also published as by Run.
func (c *Client) Fetch(ctx context.Context) (*rpki.Snapshot, State, error) {
	r, err := c.newRunner()
	if err != nil {
		return nil, State{}, err
	}
	r.once = true
	for {
		err := r.session(ctx)
		if errors.Is(err, errDone) {
			s, st := c.Snapshot()
			return s, st, nil
		}
		if !errors.Is(err, errDowngrade) {
			return nil, State{}, err
		}
	}
}

// newRunner checks the configuration and applies the defaults.
func (c *Client) newRunner() (*runner, error) {
	if c.Version > MaxVersion {
		return nil, fmt.Errorf("rtr: version %d not supported (at most %d)", c.Version, MaxVersion)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return nil, fmt.Errorf("rtr: cache address %q: %w", c.Addr, err)
	}
	r := &runner{
		c: c, log: c.Logger, version: c.Version, data: newDataSet(),
		timeout: or(c.Timeout, 30*time.Second), minBackoff: or(c.MinBackoff, time.Second),
		state: State{Refresh: defaultRefresh, Retry: defaultRetry, Expire: defaultExpire},
	}
	r.maxBackoff = max(or(c.MaxBackoff, 60*time.Second), r.minBackoff)
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// sleep waits d, or less when the data expire first, in which case they
// are dropped; it returns ctx's error when ctx ends first.
func (r *runner) sleep(ctx context.Context, d time.Duration) error {
	for {
		wait := d
		if r.have {
			wait = min(wait, time.Until(r.state.Updated.Add(r.state.Expire)))
		}
		t := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		d -= max(wait, 0)
		if r.have && !time.Now().Before(r.state.Updated.Add(r.state.Expire)) {
			r.expire()
		}
		if d <= 0 {
			return nil
		}
	}
}
