package storetest

import (
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// ReadOnlyOpener returns a new, empty store.Service that may be written,
// and reopen, which closes it and opens the same data read-only (a file
// that may not be written, a database whose transactions are read-only).
type ReadOnlyOpener func(t *testing.T) (rw store.Service, reopen func(t *testing.T) store.Service)

// RunReadOnly checks a store opened read-only, as serve opens a file or a
// database it may not write: it reports ReadOnly, reads what was written
// before, and refuses every write with an error that store.IsReadOnly
// recognises, changing nothing.
func RunReadOnly(t *testing.T, open ReadOnlyOpener) {
	ctx := t.Context()
	rw, reopen := open(t)
	m := marchMonth(specA)
	write(t, rw, m)
	key := testKey("k1", store.RolePartner, 0)
	createKeys(t, rw, key)
	id := put(t, rw, registered("Zeta Networks", "netops", 64500))
	fid := addFeedback(t, rw, feedbackOn(incident3333, 3333, 1))
	ro := reopen(t)
	defer ro.Close()
	if r, ok := ro.(interface{ ReadOnly() bool }); !ok || !r.ReadOnly() {
		t.Errorf("a store opened read-only does not say so (ReadOnly)")
	}
	checkMonth(t, ro, m)
	got, err := ro.Key(ctx, key.ID)
	noErr(t, "Key()", err)
	if diff := Diff(normalKey(key), *got); diff != "" {
		t.Errorf("Key() mismatch (-want +got):\n%s", diff)
	}
	fb := feedbackOn(marchOnly, 3333, 2)
	other := fullMonth(april, specA)
	reg := registered("Alpha", "ixp")
	late := testKey("k2", store.RolePartner, 1)
	sess := testSession("ro", key.ID, 1)
	for what, err := range map[string]error{
		"WriteMonth":        ro.WriteMonth(ctx, other),
		"CreateKey":         ro.CreateKey(ctx, &late),
		"TouchKey":          ro.TouchKey(ctx, key.ID, t0.Add(time.Hour)),
		"RevokeKey":         ro.RevokeKey(ctx, key.ID, t0.Add(time.Hour)),
		"PutParticipant":    second(ro.PutParticipant(ctx, &reg)),
		"DeleteParticipant": ro.DeleteParticipant(ctx, id, t0.Add(time.Hour)),
		"AddFeedback":       second(ro.AddFeedback(ctx, &fb)),
		"Review":            ro.Review(ctx, accepted(fid)),
		"CreateSession":     ro.CreateSession(ctx, &sess),
	} {
		if !store.IsReadOnly(err) {
			t.Errorf("%s on a read-only store = %v, want an error store.IsReadOnly recognises", what, err)
		}
	}
	checkMonth(t, ro, m)
	if got, err := ro.Key(ctx, key.ID); err != nil || !got.RevokedAt.IsZero() || !got.LastUsedAt.IsZero() {
		t.Errorf("Key() after refused writes = %+v, %v; want it unchanged", got, err)
	}
}

// second returns the error of a two-valued call.
func second[T any](_ T, err error) error { return err }
