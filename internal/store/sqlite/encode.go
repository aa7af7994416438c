package sqlite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/observatory-net/observatory/internal/vocab"
)

// monthKey returns the key of the UTC month containing t: YYYY-MM
// (vocab.MonthLayout).
func monthKey(t time.Time) string { return vocab.MonthOf(t).String() }

// parseMonth returns the first instant of the month of a key.
func parseMonth(key string) (time.Time, error) {
	m, err := vocab.ParseMonth(key)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored month key: %w", err)
	}
	return m.Start(), nil
}

// micros encodes a time as unix microseconds; every time.Time from year 1
// to 9999 fits, the zero time included.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros decodes unix microseconds as a time in UTC.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// b2i encodes a bool as 0 or 1.
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// jsonList encodes a list as a JSON array, or NULL (nil) when empty.
func jsonList[T any](list []T) (any, error) {
	if len(list) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// stringList encodes strings as a JSON array, or NULL (nil) when empty,
// without reflection when no string needs escaping: it runs once per route.
func stringList(ss []string) (any, error) {
	if len(ss) == 0 {
		return nil, nil
	}
	n := 2
	for _, s := range ss {
		if !plain(s) {
			return jsonList(ss)
		}
		n += len(s) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, s...)
		b = append(b, '"')
	}
	b = append(b, ']')
	return string(b), nil
}

// plain reports whether s needs no escaping inside a JSON string.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// decodeStrings decodes a JSON array of strings; NULL decodes as nil. It
// splits without reflection what stringList writes without escapes, and
// leaves anything else to encoding/json: it runs once per route read.
func decodeStrings(b []byte) ([]string, error) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' || bytes.IndexByte(b, '\\') >= 0 {
		return decodeList[string](b)
	}
	body := string(b[1 : len(b)-1]) // the elements are substrings of this one allocation
	out := make([]string, 0, strings.Count(body, `"`)/2)
	for body != "" {
		end := -1
		if body[0] == '"' {
			end = strings.IndexByte(body[1:], '"')
		}
		if end < 0 {
			return decodeList[string](b) // let encoding/json say what is wrong
		}
		out = append(out, body[1:1+end])
		body = body[end+2:]
		if body == "" {
			break
		}
		if body[0] != ',' || len(body) == 1 {
			return decodeList[string](b)
		}
		body = body[1:]
	}
	return out, nil
}

// decodeList decodes a JSON array column; NULL decodes as nil.
func decodeList[T any](b []byte) ([]T, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var list []T
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("decode list %s: %w", strconv.Quote(string(b)), err)
	}
	return list, nil
}

// integer scans an INTEGER column into an integer type directly, where
// database/sql would format the value as text and parse it back.
type integer[T ~int | ~int64 | ~uint32] struct{ p *T }

// Scan implements sql.Scanner.
func (s integer[T]) Scan(src any) error {
	v, ok := src.(int64)
	if !ok {
		return fmt.Errorf("integer column holds %T", src)
	}
	*s.p = T(v)
	return nil
}

// intOf returns a scanner of an INTEGER column into *p.
func intOf[T ~int | ~int64 | ~uint32](p *T) integer[T] { return integer[T]{p} }

// realOf scans a REAL column into a float64 without reflection.
type realOf struct{ p *float64 }

// Scan implements sql.Scanner.
func (s realOf) Scan(src any) error {
	switch v := src.(type) {
	case float64:
		*s.p = v
	case int64: // not expected of a REAL column, but exact
		*s.p = float64(v)
	default:
		return fmt.Errorf("real column holds %T", src)
	}
	return nil
}
