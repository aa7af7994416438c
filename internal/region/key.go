package region

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Slug returns the URL form of a name: lower case, Latin-1 accents folded
// ("Curaçao" → "curacao"), apostrophes dropped, and every other run of
// characters that are not letters or digits replaced by one hyphen, with
// none at either end. Slug("Latin America and the Caribbean") is
// "latin-america-and-the-caribbean", Slug("RIPE NCC") is "ripe-ncc" and
// Slug("Côte d'Ivoire") is "cote-divoire".
func Slug(name string) string {
	var b strings.Builder
	var buf [utf8.UTFMax]byte
	hyphen := false
	for _, r := range name {
		if r == '\'' || r == '’' {
			continue
		}
		n := normRune(r, &buf)
		if n == 0 {
			hyphen = b.Len() > 0
			continue
		}
		if hyphen {
			b.WriteByte('-')
			hyphen = false
		}
		b.Write(buf[:n])
	}
	return b.String()
}

// sameKey reports whether a and b name the same thing once case, accents
// and everything but letters and digits are ignored, that is whether their
// slugs are equal but for hyphens. Two keys with no letter or digit are
// never the same, so that empty fields match no key. It does not allocate.
func sameKey(a, b string) bool {
	ka, kb := keyReader{s: a}, keyReader{s: b}
	seen := false
	for {
		x, okx := ka.next()
		y, oky := kb.next()
		if !okx || !oky {
			return okx == oky && seen
		}
		if x != y {
			return false
		}
		seen = true
	}
}

// keyReader yields the bytes of a string's normalized form (see normRune)
// one at a time.
type keyReader struct {
	s        string
	i        int // next byte of s to decode
	buf      [utf8.UTFMax]byte
	pos, end int // pending bytes of the current rune in buf
}

// next returns the next normalized byte, or false at the end of the string.
func (k *keyReader) next() (byte, bool) {
	for k.pos == k.end {
		if k.i >= len(k.s) {
			return 0, false
		}
		r, n := utf8.DecodeRuneInString(k.s[k.i:])
		k.i += n
		k.pos, k.end = 0, normRune(r, &k.buf)
	}
	c := k.buf[k.pos]
	k.pos++
	return c, true
}

// normRune writes the normalized form of r to buf and returns its length:
// letters and digits in lower case with Latin-1 accents folded (which can
// take two bytes, "æ" → "ae"), nothing (0) for anything else.
func normRune(r rune, buf *[utf8.UTFMax]byte) int {
	if r < utf8.RuneSelf { // ASCII, the common case
		c := byte(r)
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
			buf[0] = c
			return 1
		}
		return 0
	}
	r = unicode.ToLower(r)
	if r >= 0xdf && r <= 0xff {
		return copy(buf[:], latin1Fold[r-0xdf])
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return 0
	}
	return utf8.EncodeRune(buf[:], r)
}

// latin1Fold gives the ASCII spelling of the lower-case Latin-1 letters
// U+00DF (ß) to U+00FF (ÿ); U+00F7 (÷) is not a letter.
var latin1Fold = [0xff - 0xdf + 1]string{
	"ss",                               // ß
	"a", "a", "a", "a", "a", "a", "ae", // à á â ã ä å æ
	"c", "e", "e", "e", "e", // ç è é ê ë
	"i", "i", "i", "i", "d", "n", // ì í î ï ð ñ
	"o", "o", "o", "o", "o", "", "o", // ò ó ô õ ö ÷ ø
	"u", "u", "u", "u", "y", "th", "y", // ù ú û ü ý þ ÿ
}
