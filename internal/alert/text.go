package alert

import (
	"fmt"
	"strings"
	"time"
)

// Summary is the event in one short phrase: "open rpki-invalid
// 192.0.2.0/25 AS64511 (example-net)".
func Summary(ev Event) string {
	in := ev.Incident
	s := fmt.Sprintf("%s %s", ev.Type, in.Kind)
	if sub := in.Subject(); sub != "" {
		s += " " + sub
	}
	if len(in.Watches) > 0 {
		s += " (" + strings.Join(in.Watches, ", ") + ")"
	}
	return s
}

// Subject is what the incident is about: "192.0.2.0/25 AS64511", the
// prefix alone, the AS alone, or "" (a test alert).
func (in Incident) Subject() string {
	switch {
	case in.Prefix.IsValid() && in.Origin != 0:
		return in.Prefix.String() + " " + in.Origin.String()
	case in.Prefix.IsValid():
		return in.Prefix.String()
	case in.Origin != 0:
		return in.Origin.String()
	}
	return ""
}

// Line is the event as one line of the terminal view (observatory
// watch): time, event, kind, prefix, origin, peers (the most at once; for
// a visibility loss, those carrying the prefix) and, when closed, the
// duration.
func Line(ev Event) string {
	in := ev.Incident
	origin := "-"
	if in.Origin != 0 {
		origin = in.Origin.String()
	}
	prefix := "-"
	if in.Prefix.IsValid() {
		prefix = in.Prefix.String()
	}
	peers := in.Evidence.MaxPeers
	if in.Kind == VisibilityLoss {
		peers = in.Evidence.Peers // the peers still carrying the prefix
	}
	s := fmt.Sprintf("%s %-5s %-16s %-20s %-9s peers=%d", ev.Time.UTC().Format(time.RFC3339), strings.ToUpper(string(ev.Type)),
		in.Kind, prefix, origin, peers)
	switch {
	case in.Kind == ROAChange:
		s += fmt.Sprintf(" added=%d removed=%d", len(in.Evidence.Added), len(in.Evidence.Removed))
	case ev.Type == EventClose:
		s += " duration=" + in.Duration.String()
	}
	if len(in.Watches) > 0 {
		s += " watch=" + strings.Join(in.Watches, ",")
	}
	return s
}

// Text is the event in full, as an e-mail's body: what happened, the
// evidence, and the link to it.
func Text(ev Event, link string) string {
	in := ev.Incident
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", Summary(ev))
	fmt.Fprintf(&b, "Incident %s, %s, opened %s", in.ID, in.Kind, in.Opened.UTC().Format(time.RFC3339))
	if !in.Closed.IsZero() && in.Kind != ROAChange {
		fmt.Fprintf(&b, ", closed %s after %s", in.Closed.UTC().Format(time.RFC3339), in.Duration)
	}
	b.WriteString(".\n")
	if in.Watched.IsValid() {
		fmt.Fprintf(&b, "Watched prefix %s, expected origins %v.\n", in.Watched, in.Expected)
	}
	e := in.Evidence
	fmt.Fprintf(&b, "Peers now %d, at most %d.\n", e.Peers, e.MaxPeers)
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		for _, s := range items {
			fmt.Fprintf(&b, "  %s\n", s)
		}
	}
	list("Peers", e.PeerList)
	list("AS paths", e.Paths)
	if e.RPKI != "" {
		fmt.Fprintf(&b, "\nRPKI: %s\n", e.RPKI)
	}
	list("Covering VRPs", vrpStrings(e.VRPs))
	list("VRPs added", vrpStrings(e.Added))
	list("VRPs removed", vrpStrings(e.Removed))
	if l := e.Leak; l != nil {
		fmt.Fprintf(&b, "\nLeak: %s learned the route from %s (%s it) and sent it to %s (%s it).\n",
			l.Leaker, l.From, l.FromRel, l.To, l.ToRel)
	}
	if e.MinPeers > 0 {
		fmt.Fprintf(&b, "\nVisibility: fewer than %d peers since %s (hold %s).\n", e.MinPeers, e.Since.UTC().Format(time.RFC3339), e.Hold)
	}
	if link != "" {
		fmt.Fprintf(&b, "\nEvidence: %s\n", link)
	}
	return b.String()
}

func vrpStrings[T fmt.Stringer](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

// KindTest is the kind of the test alert of TestEvent; no rule raises it.
const KindTest Kind = "test"

// TestEvent is a test alert, sent by observatory watch --webhook-test to
// check that a receiver takes alerts: an instant incident of kind "test"
// at now, whose id (and so idempotency key) is new each second.
func TestEvent(now time.Time, w *Watch) Event {
	key := "test|" + now.UTC().Format(time.RFC3339)
	in := Incident{ID: incidentID(KindTest, key, now, 0), Key: key, Kind: KindTest, Watches: []string{w.File},
		Opened: now, Closed: now}
	return Event{Type: EventOpen, Time: now, Incident: in}
}
