package irr

// maxInterned and maxInternedLen bound the strings an intern table keeps,
// so that the Reader's memory stays flat however many distinct names a dump
// has.
const (
	maxInterned    = 1 << 14
	maxInternedLen = 64
)

// intern shares the strings that repeat from object to object (sources,
// maintainers, contact handles) instead of allocating each occurrence.
type intern struct {
	strs map[string]string
	buf  []byte
}

// upper returns b upper-cased (ASCII) as a string, shared when possible.
func (in *intern) upper(b []byte) string {
	in.buf = appendUpper(in.buf[:0], b)
	if s, ok := in.strs[string(in.buf)]; ok {
		return s
	}
	s := string(in.buf)
	if in.strs == nil {
		in.strs = make(map[string]string)
	}
	if len(in.strs) < maxInterned && len(s) <= maxInternedLen {
		in.strs[s] = s
	}
	return s
}

// upperASCII upper-cases the ASCII letters of s, as the Reader does for
// names, leaving other bytes alone.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return string(appendUpper(make([]byte, 0, len(s)), s))
		}
	}
	return s
}

func appendUpper[T string | []byte](dst []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
