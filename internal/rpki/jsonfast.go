package rpki

// fastROA decodes a "roas" element whose syntax encoding/json has already
// checked, without reflection: it walks the object's members and hands the
// values of asn, prefix, maxLength and ta to the same UnmarshalJSON methods
// encoding/json would call, in the same order, so that results and errors
// are the same. It declines (handled false) whatever it would have to
// interpret differently from encoding/json: a value that is not an object,
// keys with escapes, non-ASCII keys or keys matching a field only
// case-insensitively, and nested values of known fields ("source" of
// Routinator jsonext). Unknown members ("expires") are skipped.
func fastROA(b []byte, e *jsonROA) (handled bool, err error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false, nil
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return true, nil
	}
	for i < len(b) {
		key, next, ok := scanKey(b, i)
		if !ok {
			return false, nil
		}
		end, nested, ok := scanValue(b, next)
		if !ok {
			return false, nil
		}
		if handled, err := e.member(key, b[next:end], nested); !handled || err != nil {
			return handled, err
		}
		i = skipSpace(b, end)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == '}':
			return true, nil
		default:
			return false, nil
		}
	}
	return false, nil
}

// jsonROAFields are the member names jsonROA decodes.
var jsonROAFields = []string{"asn", "prefix", "maxLength", "max_length", "maxLen", "ta", "source"}

// member decodes one member of a "roas" element for fastROA.
func (e *jsonROA) member(key, val []byte, nested bool) (handled bool, err error) {
	var u interface{ UnmarshalJSON([]byte) error }
	switch string(key) {
	case "asn":
		u = &e.ASN
	case "prefix":
		u = &e.Prefix
	case "maxLength":
		u = &e.MaxLength
	case "max_length":
		u = &e.MaxLength2
	case "maxLen":
		u = &e.MaxLen
	case "ta":
		u = &e.TA
	case "source":
		return false, nil
	default:
		// encoding/json matches keys case-insensitively (with Unicode
		// folding beyond ASCII): leave anything that might match to it.
		for i := 0; i < len(key); i++ {
			if key[i] >= 0x80 {
				return false, nil
			}
		}
		for _, f := range jsonROAFields {
			if equalFoldASCII(key, f) {
				return false, nil
			}
		}
		return true, nil
	}
	if nested {
		return false, nil
	}
	return true, u.UnmarshalJSON(val)
}

// scanKey reads `"key" :` at b[i:] and returns the key and the index of
// the value. Keys with escapes are declined.
func scanKey(b []byte, i int) (key []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	j := i + 1
	for j < len(b) && b[j] != '"' {
		if b[j] == '\\' {
			return nil, 0, false
		}
		j++
	}
	if j >= len(b) {
		return nil, 0, false
	}
	k := skipSpace(b, j+1)
	if k >= len(b) || b[k] != ':' {
		return nil, 0, false
	}
	return b[i+1 : j], skipSpace(b, k+1), true
}

// equalFoldASCII compares an ASCII key with a field name ignoring case.
func equalFoldASCII(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := range key {
		a, b := key[i], name[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// scanValue returns the end of the JSON value starting at b[i], and
// whether it is an object or an array.
func scanValue(b []byte, i int) (end int, nested, ok bool) {
	if i >= len(b) {
		return 0, false, false
	}
	switch b[i] {
	case '"':
		end, ok = scanString(b, i)
		return end, false, ok
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := scanString(b, j)
				if !ok {
					return 0, false, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, true, true
				}
			}
		}
		return 0, false, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && !isSpace(b[j]) {
		j++
	}
	return j, false, j > i
}

// scanString returns the index after the string starting at b[i].
func scanString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}
