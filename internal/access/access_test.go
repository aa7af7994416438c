package access

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/store"
)

// fakeService holds keys and a registry in memory; the rest of
// store.Service is left nil, as Verify needs only these two reads.
type fakeService struct {
	store.Service
	keys map[string]*store.APIKey
	reg  map[int64]*store.Registered
}

var _ store.Service = (*fakeService)(nil)

func (f *fakeService) Key(_ context.Context, id string) (*store.APIKey, error) {
	if k, ok := f.keys[id]; ok {
		return k, nil
	}
	return nil, store.ErrNotFound
}

func (f *fakeService) RegisteredParticipant(_ context.Context, id int64) (*store.Registered, error) {
	if p, ok := f.reg[id]; ok {
		return p, nil
	}
	return nil, store.ErrNotFound
}

// mint adds a key of role for participant pid bound to uid and returns
// its token.
func (f *fakeService) mint(t *testing.T, role store.Role, pid int64, uid string) string {
	t.Helper()
	token, k, err := apikey.New(role, apikey.Options{ParticipantID: pid})
	if err != nil {
		t.Fatal(err)
	}
	k.ParticipantUID = uid
	f.keys[k.ID] = &k
	return token
}

// TestVerify_Participant checks that a participant key is good only while
// the participant it was made for is registered under its UID: a key of
// a deleted participant is refused even when a new participant has the
// same ID.
func TestVerify_Participant(t *testing.T) {
	uid, other := store.NewUID(), store.NewUID()
	f := &fakeService{keys: map[string]*store.APIKey{}, reg: map[int64]*store.Registered{
		4: {ID: 4, UID: uid, Participant: store.Participant{Organisation: "Now", ASNs: []uint32{9, 3}}},
	}}
	now := time.Now()
	for _, tc := range []struct {
		name   string
		token  string
		wantOK bool
		asns   []uint32
	}{
		{"its participant", f.mint(t, store.RoleParticipant, 4, uid), true, []uint32{3, 9}},
		{"a participant now under its ID", f.mint(t, store.RoleParticipant, 4, other), false, nil},
		{"no UID recorded", f.mint(t, store.RoleParticipant, 4, ""), false, nil},
		{"a deleted participant", f.mint(t, store.RoleParticipant, 5, other), false, nil},
		{"a partner", f.mint(t, store.RolePartner, 0, ""), true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Verify(t.Context(), f, tc.token, now)
			if !tc.wantOK {
				if !errors.Is(err, ErrBadKey) {
					t.Errorf("Verify() = %+v, %v, want ErrBadKey", p, err)
				}
				return
			}
			if err != nil || p.Key == nil || !slices.Equal(p.ASNs, tc.asns) {
				t.Errorf("Verify() = %+v, %v, want the key with ASNs %v", p, err, tc.asns)
			}
		})
	}
}

// TestPrincipal_Trail checks the one rule for feedback trails: whoever
// sees an ASN's details sees its trail.
func TestPrincipal_Trail(t *testing.T) {
	participant := Principal{Key: &store.APIKey{Role: store.RoleParticipant}, ASNs: []uint32{3, 9}}
	lonely := Principal{Key: &store.APIKey{Role: store.RoleParticipant}}
	partner := Principal{Key: &store.APIKey{Role: store.RolePartner}}
	secretariat := Principal{Key: &store.APIKey{Role: store.RoleSecretariat}}
	for _, tc := range []struct {
		name     string
		p        Principal
		wantASNs []uint32
		wantAll  bool
	}{
		{"anonymous", Anonymous, nil, false},
		{"participant", participant, []uint32{3, 9}, false},
		{"participant without ASNs", lonely, nil, false},
		{"partner", partner, nil, true},
		{"secretariat", secretariat, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asns, all := tc.p.TrailScope()
			if !slices.Equal(asns, tc.wantASNs) || all != tc.wantAll {
				t.Errorf("TrailScope() = %v, %v, want %v, %v", asns, all, tc.wantASNs, tc.wantAll)
			}
			for _, asn := range []uint32{3, 5, 9} {
				if got, want := tc.p.SeesTrail(asn), tc.p.SeesDetails(asn); got != want {
					t.Errorf("SeesTrail(AS%d) = %v, want SeesDetails = %v", asn, got, want)
				}
				if got, want := tc.p.SeesTrail(asn), all || slices.Contains(asns, asn); got != want {
					t.Errorf("SeesTrail(AS%d) = %v, but TrailScope says %v", asn, got, want)
				}
			}
		})
	}
}
