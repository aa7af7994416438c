package alert

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// Kind is the kind of an incident.
type Kind string

// The incident kinds; docs/alerts.md gives the exact rule of each.
const (
	// OriginHijack: a watched prefix announced, exactly, by an origin
	// that is not one of its expected origins.
	OriginHijack Kind = "origin-hijack"
	// SubPrefixHijack: a more-specific of a watched prefix announced by an
	// origin that is not one of the watched prefix's expected origins.
	SubPrefixHijack Kind = "subprefix-hijack"
	// RPKIInvalid: a route for a watched prefix or one of its
	// more-specifics, or originated by a watched AS, that is RPKI-invalid
	// (RFC 6811) against the current VRPs.
	RPKIInvalid Kind = "rpki-invalid"
	// VisibilityLoss: a watched prefix, once seen by at least its
	// min_peers peers, seen by fewer for its hold time.
	VisibilityLoss Kind = "visibility-loss"
	// RouteLeak: a path that is not valley-free (asrel.Graph.CheckPath)
	// through a watched AS (the leaker), or carrying a watched AS's or
	// a watched prefix's route.
	RouteLeak Kind = "route-leak"
	// ROAChange: VRPs overlapping a watched prefix added or removed. It is
	// an instant: it opens and closes at the update.
	ROAChange Kind = "roa-change"
)

// Kinds lists every kind, in the order metrics and summaries show them.
var Kinds = []Kind{OriginHijack, SubPrefixHijack, RPKIInvalid, VisibilityLoss, RouteLeak, ROAChange}

// EventType says whether an event opens or closes its incident.
type EventType string

// The event types.
const (
	EventOpen  EventType = "open"
	EventClose EventType = "close"
)

// Event is the opening or closing of an incident, as delivered.
type Event struct {
	Type     EventType `json:"event"`
	Time     time.Time `json:"time"` // the engine's time when it happened
	Incident Incident  `json:"incident"`
}

// IdempotencyKey is the event's delivery key: the incident id and the
// event type. A receiver seeing it twice saw the same alert twice.
func (e Event) IdempotencyKey() string { return e.Incident.ID + ":" + string(e.Type) }

// Incident is one incident and its evidence, as of an event.
type Incident struct {
	// ID identifies this occurrence: the kind and a digest of Key and the
	// opening time. The same condition closing and coming back later is a
	// new incident with a new ID.
	ID string `json:"id"`
	// Key is the dedup key: while an incident of a Key is open, no other
	// opens.
	Key  string `json:"key"`
	Kind Kind   `json:"kind"`
	// Watches names the watch entries the incident concerns.
	Watches []string `json:"watches"`
	// Watched is the watched prefix concerned, when one is.
	Watched netip.Prefix `json:"watchedPrefix,omitzero"`
	// Prefix and Origin are the route's (the watched prefix and no origin
	// for visibility loss and ROA changes).
	Prefix   netip.Prefix `json:"prefix"`
	Origin   bgp.ASN      `json:"origin,omitzero"`
	Expected []bgp.ASN    `json:"expectedOrigins,omitempty"`
	Opened   time.Time    `json:"opened"`
	Closed   time.Time    `json:"closed,omitzero"`
	Duration Duration     `json:"duration,omitzero"`
	Evidence Evidence     `json:"evidence"`
	Targets  Targets      `json:"-"`
}

// Evidence is what an incident was raised on.
type Evidence struct {
	// Peers is the number of peers carrying a route of the incident now;
	// MaxPeers the most at once. PeerList names up to maxListed of the
	// current ones, sorted.
	Peers    int      `json:"peers"`
	MaxPeers int      `json:"maxPeers"`
	PeerList []string `json:"peerList,omitempty"`
	// Paths are up to maxListed distinct AS paths seen, in order of
	// arrival ("64496 64511").
	Paths []string `json:"paths,omitempty"`
	// RPKI is the route's validation state (rov.State) and VRPs the VRPs
	// covering it, for rpki-invalid.
	RPKI string  `json:"rpki,omitempty"`
	VRPs VRPList `json:"vrps,omitempty"`
	// Leak is the first valley-free violation, for route-leak.
	Leak *LeakEvidence `json:"leak,omitempty"`
	// EndedUnseen is set on an incident a restarted process took over
	// and closed because no route of it came back within the resync
	// period: it ended while no process watched, at the latest then.
	EndedUnseen bool `json:"endedUnseen,omitempty"`
	// Added and Removed are the VRPs overlapping the watched prefix that
	// changed, for roa-change.
	Added   VRPList `json:"added,omitempty"`
	Removed VRPList `json:"removed,omitempty"`
	// Visibility: the threshold, the hold and since when the prefix has
	// been below it, for visibility-loss.
	MinPeers int       `json:"minPeers,omitzero"`
	Hold     Duration  `json:"hold,omitzero"`
	Since    time.Time `json:"since,omitzero"`
}

// VRPList is VRPs written in JSON as rpki-client writes them:
// {"prefix": "192.0.2.0/24", "maxLength": 24, "asn": 64496, "ta": "ripe"}.
type VRPList []rpki.VRP

type vrpJSON struct {
	Prefix    netip.Prefix `json:"prefix"`
	MaxLength uint8        `json:"maxLength"`
	ASN       bgp.ASN      `json:"asn"`
	TA        string       `json:"ta,omitempty"`
}

// MarshalJSON writes the list in rpki-client's VRP shape.
func (l VRPList) MarshalJSON() ([]byte, error) {
	out := make([]vrpJSON, len(l))
	for i, v := range l {
		out[i] = vrpJSON{v.Prefix, v.MaxLen, v.ASN, v.TA}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (l *VRPList) UnmarshalJSON(b []byte) error {
	var in []vrpJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*l = make(VRPList, len(in))
	for i, v := range in {
		(*l)[i] = rpki.VRP{Prefix: v.Prefix, MaxLen: v.MaxLength, ASN: v.ASN, TA: v.TA}
	}
	return nil
}

// LeakEvidence is an asrel.Leak in words.
type LeakEvidence struct {
	Leaker  bgp.ASN `json:"leaker"`
	From    bgp.ASN `json:"from"`
	To      bgp.ASN `json:"to"`
	FromRel string  `json:"fromRel"` // Relationship(Leaker, From)
	ToRel   string  `json:"toRel"`   // Relationship(Leaker, To)
}

// Duration is a time.Duration written as Go text ("1m30s") in JSON.
type Duration time.Duration

// MarshalText renders d as time.Duration.String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText parses time.ParseDuration's form.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration(v)
	return err
}

// String renders d as time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }

// incKey is the dedup key of an incident, comparable so that a route's
// incidents cost no allocation to look up.
type incKey struct {
	kind   Kind
	prefix netip.Prefix
	origin bgp.ASN
	leaker bgp.ASN  // route-leak only
	at     int64    // roa-change only: the update's Unix nanoseconds
	seq    int      // roa-change only: the update's number, counted from 1
	digest [8]byte  // roa-change only: of the changed VRPs
	_      struct{} // keep the literal keyed
}

// String renders the key, "rpki-invalid|192.0.2.0/25|AS64511".
func (k incKey) String() string {
	s := fmt.Sprintf("%s|%s", k.kind, k.prefix)
	if k.origin != 0 {
		s += "|" + k.origin.String()
	}
	if k.kind == RouteLeak {
		s += "|leaker " + k.leaker.String()
	}
	if k.kind == ROAChange {
		s += fmt.Sprintf("|%d|%d|%x", k.at, k.seq, k.digest)
	}
	return s
}

// incidentID is the id of the n-th (from 0) occurrence of key opened at
// t: the kind and 16 hex digits of a SHA-256 of the key, the time and n
// when above 0.
func incidentID(kind Kind, key string, t time.Time, n int) string {
	s := key + "|" + t.UTC().Format(time.RFC3339Nano)
	if n > 0 {
		s += "|" + strconv.Itoa(n)
	}
	sum := sha256.Sum256([]byte(s))
	return string(kind) + "-" + hex.EncodeToString(sum[:8])
}
