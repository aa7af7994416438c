package view

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/store"
)

// MaySeeRSChecks refuses the stored IXP route-server checks to callers
// without a programme key: participants (IXPs among them), partners and
// the secretariat may read them; anonymous callers and applicants may not.
// The RIBs are public, but a check names the members whose routes the
// route server should have rejected: the programme's work, not a public
// ranking.
func MaySeeRSChecks(who *access.Principal) error {
	switch who.Role() {
	case store.RoleParticipant, store.RolePartner, store.RoleSecretariat:
		return nil
	case "":
		return refuse(Unauthorized, "route-server checks need a participant, partner or secretariat key")
	}
	return refuse(Forbidden, "a %s key may not see route-server checks: participant, partner and secretariat only", who.Role())
}

// rsChecks returns the service store's route-server checks, or refuses
// without one.
func (v *View) rsChecks() (store.RSChecks, error) {
	if v.opt.Service == nil {
		return nil, refuse(Unavailable, "this store does not keep route-server checks")
	}
	return v.opt.Service, nil
}

// RSChecks lists the stored route-server checks for who, newest first.
func (v *View) RSChecks(ctx context.Context, who *access.Principal) ([]wire.RSCheckMeta, error) {
	if err := MaySeeRSChecks(who); err != nil {
		return nil, err
	}
	s, err := v.rsChecks()
	if err != nil {
		return nil, err
	}
	cs, err := s.ListRSChecks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]wire.RSCheckMeta, 0, len(cs))
	for i := range cs {
		out = append(out, rsCheckMeta(&cs[i]))
	}
	return out, nil
}

// RSCheck returns stored route-server check id whole for who.
func (v *View) RSCheck(ctx context.Context, who *access.Principal, id int64) (*wire.RSCheck, error) {
	if err := MaySeeRSChecks(who); err != nil {
		return nil, err
	}
	s, err := v.rsChecks()
	if err != nil {
		return nil, err
	}
	c, err := s.RSCheck(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(NotFound, "no route-server check %d", id)
	}
	if err != nil {
		return nil, err
	}
	out := wire.RSCheck{RSCheckMeta: rsCheckMeta(c)}
	if err := DecodeRSCheckReport(c.Report, &out.Result); err != nil {
		return nil, fmt.Errorf("route-server check %d: %w", id, err)
	}
	return &out, nil
}

// DecodeRSCheckReport decodes a stored report (the JSON of rs-check
// --format json) strictly: a field the API's types do not know is an
// error, so that the API never drops part of what the CLI wrote.
func DecodeRSCheckReport(b []byte, into *wire.RSCheckReport) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(into); err != nil {
		return fmt.Errorf("decode report: %w", err)
	}
	return nil
}

func rsCheckMeta(c *store.RSCheck) wire.RSCheckMeta {
	return wire.RSCheckMeta{ID: c.ID, IXP: c.IXP, CheckedAt: c.CheckedAt, Routes: c.Routes, Rejectable: c.Rejectable,
		Report: "/api/v2/rs-checks/" + strconv.FormatInt(c.ID, 10)}
}
