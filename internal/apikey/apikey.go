// Package apikey makes and checks the API keys of the /api/v2 server.
//
// A token reads obs_<id>_<secret>: id is 12 random characters of the
// lower-case base32 alphabet (RFC 4648 §6, 60 bits), public, and the key's
// ID in the store; secret is 256 random bits from crypto/rand in base64url
// without padding (RFC 4648 §5, 43 characters). The store keeps only the
// SHA-256 of the whole token: a stolen database yields no usable key, and
// a random 256-bit secret needs no slow password hash. Verify compares
// hashes in constant time.
//
// The token is shown once, when made; it cannot be recovered afterwards.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// Token layout.
const (
	prefix    = "obs_"
	idLen     = 12 // base32 characters, 60 bits
	secretLen = 43 // base64url characters of 32 bytes, no padding
	tokenLen  = len(prefix) + idLen + 1 + secretLen
)

// idEncoding is RFC 4648 base32 in lower case, without padding: IDs are
// easy to read out and to type.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ErrMalformed is returned by Parse for a string that is not a token.
var ErrMalformed = errors.New("apikey: malformed token")

// Options are the optional attributes of a new key.
type Options struct {
	Name          string
	ParticipantID int64 // required for store.RoleParticipant, else 0
	RatePerMinute int   // 0: the server's default
	ExpiresAt     time.Time
	Now           time.Time // creation time; zero: time.Now()
}

// New makes a key of the given role: the token to hand to its holder, once,
// and the key to store. The key is checked as the store checks it.
func New(role store.Role, o Options) (token string, key store.APIKey, err error) {
	token, id, err := Mint()
	if err != nil {
		return "", store.APIKey{}, err
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	key = store.APIKey{ID: id, Hash: Hash(token), Name: o.Name, Role: role, ParticipantID: o.ParticipantID,
		RatePerMinute: o.RatePerMinute, CreatedAt: now.UTC(), ExpiresAt: o.ExpiresAt}
	if err := store.ValidateKey(&key); err != nil {
		return "", store.APIKey{}, fmt.Errorf("apikey: %w", err)
	}
	return token, key, nil
}

// Mint makes a token and returns it with its ID, for a key of any kind:
// New for the API keys, internal/application for the applicant keys that
// are kept with their application.
func Mint() (token, id string, err error) {
	var raw [32 + 8]byte // the secret, then 64 bits of which the ID keeps 60
	if _, err := rand.Read(raw[:]); err != nil {
		return "", "", fmt.Errorf("apikey: random: %w", err)
	}
	id = idEncoding.EncodeToString(raw[32:])[:idLen]
	return prefix + id + "_" + base64.RawURLEncoding.EncodeToString(raw[:32]), id, nil
}

// Hash returns the SHA-256 of a token, as the store keeps it.
func Hash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Parse returns the ID of a well-formed token, to look its key up; it does
// not verify the secret. The error does not quote the token.
func Parse(token string) (id string, err error) {
	if len(token) != tokenLen || !strings.HasPrefix(token, prefix) || token[len(prefix)+idLen] != '_' {
		return "", ErrMalformed
	}
	id, secret := token[len(prefix):len(prefix)+idLen], token[len(prefix)+idLen+1:]
	if !inAlphabet(id, "abcdefghijklmnopqrstuvwxyz234567") {
		return "", ErrMalformed
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(secret); err != nil || len(b) != 32 {
		return "", ErrMalformed
	}
	return id, nil
}

// inAlphabet reports whether every byte of s is in alphabet.
func inAlphabet(s, alphabet string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// Verify reports whether token is the key's: well formed, with the key's
// ID, and hashing to the key's hash (compared in constant time). It does
// not check that the key is usable (store.APIKey.Usable).
func Verify(key *store.APIKey, token string) bool {
	id, err := Parse(token)
	if err != nil || key == nil || id != key.ID {
		return false
	}
	return subtle.ConstantTimeCompare(Hash(token), key.Hash) == 1
}
