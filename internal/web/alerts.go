package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/observatory-net/observatory/api/wire"
)

// alertsPage is the Alerts page: the live incidents the caller may see.
type alertsPage struct {
	Items []wire.AlertIncident
	Open  bool // only the open ones
}

func (alertsPage) PageTitle() string { return "Live alerts" }

// alertsHandler: GET /alerts?open=true, the live incidents (observatory
// live --db) for participant (its ASNs), partner and secretariat keys;
// the items of GET /api/v2/alerts.
func (s *Server) alertsHandler(q *request) error {
	p := &alertsPage{}
	switch v := q.r.URL.Query().Get("open"); v {
	case "", "false":
	case "true":
		p.Open = true
	default:
		return badRequest("open %q: want true or false", v)
	}
	var err error
	if p.Items, err = s.shared.Alerts(q.ctx(), &q.who.Principal, p.Open, 0); err != nil {
		return refusal(err)
	}
	return q.render(http.StatusOK, "alerts", p)
}

// alertEvidence is the part of an incident's document (alert.Incident's
// JSON) the page shows; the serving layer does not link internal/alert.
type alertEvidence struct {
	Watches  []string `json:"watches"`
	Watched  string   `json:"watchedPrefix"`
	Expected []uint32 `json:"expectedOrigins"`
	Evidence struct {
		Peers    int        `json:"peers"`
		MaxPeers int        `json:"maxPeers"`
		PeerList []string   `json:"peerList"`
		Paths    []string   `json:"paths"`
		RPKI     string     `json:"rpki"`
		VRPs     []alertVRP `json:"vrps"`
		Leak     *struct {
			Leaker, From, To uint32
			FromRel          string `json:"fromRel"`
			ToRel            string `json:"toRel"`
		} `json:"leak"`
		Added    []alertVRP `json:"added"`
		Removed  []alertVRP `json:"removed"`
		MinPeers int        `json:"minPeers"`
		Hold     string     `json:"hold"`
	} `json:"evidence"`
}

type alertVRP struct {
	Prefix    string `json:"prefix"`
	MaxLength int    `json:"maxLength"`
	ASN       uint32 `json:"asn"`
	TA        string `json:"ta"`
}

// alertPage is one live incident and its evidence.
type alertPage struct {
	Alert *wire.AlertIncident
	Doc   alertEvidence
	JSON  string // the API's document, indented
}

func (p alertPage) PageTitle() string { return "Alert " + p.Alert.Kind + " " + p.Alert.Prefix }

// alertHandler: GET /alerts/{id}, the page each alert links to: the
// incident, its timeline and evidence (peers, AS paths, covering VRPs,
// the leak, the ROA changes); GET /api/v2/alerts/{id}'s document.
func (s *Server) alertHandler(q *request) error {
	id := q.r.PathValue("id")
	if id == "" || len(id) > 200 || strings.ContainsAny(id, " /") {
		return badRequest("alert %q: not an alert id", id)
	}
	a, err := s.shared.Alert(q.ctx(), &q.who.Principal, id)
	if err != nil {
		return refusal(err)
	}
	p := &alertPage{Alert: a}
	if err := json.Unmarshal(a.Incident, &p.Doc); err != nil {
		return err
	}
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return err
	}
	p.JSON = string(b)
	return q.render(http.StatusOK, "alert", p)
}
