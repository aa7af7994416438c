package apikey

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

func newToken(t *testing.T, role store.Role, o Options) (string, store.APIKey) {
	t.Helper()
	token, key, err := New(role, o)
	if err != nil {
		t.Fatalf("New(%s) = %v", role, err)
	}
	return token, key
}

func TestNew(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	token, key := newToken(t, store.RoleParticipant, Options{Name: "noc", ParticipantID: 7, RatePerMinute: 30, Now: now})
	if len(token) != tokenLen || !strings.HasPrefix(token, "obs_"+key.ID+"_") {
		t.Errorf("token %q: want obs_<%s>_<43 characters>", token, key.ID)
	}
	if key.Name != "noc" || key.Role != store.RoleParticipant || key.ParticipantID != 7 || key.RatePerMinute != 30 ||
		!key.CreatedAt.Equal(now) || key.CreatedAt.Location() != time.UTC || len(key.Hash) != 32 {
		t.Errorf("key = %+v", key)
	}
	if id, err := Parse(token); err != nil || id != key.ID {
		t.Errorf("Parse(token) = %q, %v, want %q", id, err, key.ID)
	}
	if !Verify(&key, token) {
		t.Error("Verify(key, its token) = false")
	}
	if _, _, err := New(store.RoleParticipant, Options{}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("New(participant without participant) = %v, want ErrInvalid", err)
	}
	if _, _, err := New("root", Options{}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("New(unknown role) = %v, want ErrInvalid", err)
	}
}

// TestNew_Distinct checks that tokens and IDs do not repeat, and that the
// IDs use their whole alphabet (no fixed bits).
func TestNew_Distinct(t *testing.T) {
	tokens, ids, chars := map[string]bool{}, map[string]bool{}, map[byte]bool{}
	for range 2000 {
		token, key := newToken(t, store.RolePartner, Options{})
		if tokens[token] || ids[key.ID] {
			t.Fatalf("token or ID repeated: %q", token)
		}
		tokens[token], ids[key.ID] = true, true
		chars[key.ID[idLen-1]] = true
	}
	if len(chars) != 32 {
		t.Errorf("the last ID character took %d values in 2000 keys, want all 32", len(chars))
	}
}

func TestParse_Malformed(t *testing.T) {
	good, _ := newToken(t, store.RolePartner, Options{})
	secret := good[len(prefix)+idLen+1:]
	for name, token := range map[string]string{
		"empty":              "",
		"no prefix":          "xyz_" + good[4:],
		"upper-case prefix":  "OBS_" + good[4:],
		"short":              good[:len(good)-1],
		"long":               good + "A",
		"no separator":       good[:len(prefix)+idLen] + "-" + secret,
		"ID out of alphabet": "obs_abcdefghijk1_" + secret,
		"upper-case ID":      "obs_ABCDEFGHIJKL_" + secret,
		"secret not base64":  good[:len(good)-1] + "!",
		"padded secret":      good[:len(good)-1] + "=",
		"standard base64":    good[:len(good)-1] + "+",
		"non-canonical tail": good[:len(good)-1] + nonCanonical(good[len(good)-1]),
		"spaces":             " " + good[1:],
	} {
		if id, err := Parse(token); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%s: %q) = %q, %v, want ErrMalformed", name, token, id, err)
		}
	}
}

// nonCanonical returns another base64url character that decodes the last
// character's 4 significant bits alike: strict decoding refuses it.
func nonCanonical(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[i^1]) // flips one of the 2 bits past the 256 of the secret
}

// TestVerify_OneBit checks that flipping any one bit of the token, of the
// hash or a wrong key's ID, fails verification.
func TestVerify_OneBit(t *testing.T) {
	token, key := newToken(t, store.RoleSecretariat, Options{})
	for i := range len(token) {
		for bit := range 8 {
			b := []byte(token)
			b[i] ^= 1 << bit
			if Verify(&key, string(b)) {
				t.Fatalf("Verify(token with bit %d of byte %d flipped) = true", bit, i)
			}
		}
	}
	for i := range key.Hash {
		k := key
		k.Hash = append([]byte(nil), key.Hash...)
		k.Hash[i] ^= 1
		if Verify(&k, token) {
			t.Fatalf("Verify(key with hash byte %d changed) = true", i)
		}
	}
	other, _ := newToken(t, store.RoleSecretariat, Options{})
	if Verify(&key, other) || Verify(nil, token) {
		t.Error("Verify(another key's token or no key) = true")
	}
}
