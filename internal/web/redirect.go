package web

import (
	"net/url"
	"path"
	"strings"
)

// maxNext bounds a redirect target: our own pages' addresses are short.
const maxNext = 2048

// safeNext keeps a redirect target (the sign-in form's and the feedback
// form's next) on this site, or returns "/". Browsers are lenient where
// Go is strict: they drop tab, CR and LF anywhere in a URL, read a
// backslash as a slash, and take //host, /\host and \/host for another
// origin. So a target is refused unless it is plain ASCII without any
// control character or backslash, raw or percent-encoded; has no scheme,
// host, user or opaque part; and its path starts with exactly one "/"
// followed by anything but "/" or "\", raw or encoded. What passes is
// rebuilt from its cleaned path and its query; the fragment is dropped.
func safeNext(next string) string {
	if next == "" || len(next) > maxNext || !plain(next) || !rooted(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !plain(u.Path) || !rooted(u.Path) {
		return "/"
	}
	clean := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && clean != "/" {
		clean += "/"
	}
	out := (&url.URL{Path: clean, RawQuery: u.RawQuery}).String()
	if !rooted(out) || !plain(out) {
		return "/"
	}
	return out
}

// plain reports whether s is printable ASCII without a backslash.
func plain(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x21 || c > 0x7e || c == '\\' {
			return false
		}
	}
	return true
}

// rooted reports whether s starts with one "/" and then neither "/" nor
// "\" nor their percent-encodings (%2F, %5C); "/" alone is rooted.
func rooted(s string) bool {
	if !strings.HasPrefix(s, "/") {
		return false
	}
	rest := strings.ToLower(s[1:])
	return !strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, `\`) &&
		!strings.HasPrefix(rest, "%2f") && !strings.HasPrefix(rest, "%5c")
}
