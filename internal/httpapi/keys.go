package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/observatory-net/observatory/internal/store"
)

// TODO(svc): replace with internal/apikey (Parse, Verify) once the svc
// branch is merged; these follow its documented token format.

// parseToken returns the key ID of a token "obs_<id>_<secret>".
func parseToken(token string) (string, error) {
	rest, ok := strings.CutPrefix(token, "obs_")
	id, secret, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 || id == "" || secret == "" {
		return "", errors.New("malformed token")
	}
	return id, nil
}

// verifyToken reports whether token is the key's.
func verifyToken(k *store.APIKey, token string) bool {
	sum := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(sum[:], k.Hash) == 1
}
