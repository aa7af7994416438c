package bgp

import (
	"errors"
	"fmt"
	"strconv"
)

// SegmentType is the type of an AS_PATH segment (RFC 4271 §4.3, RFC 5065 §3).
type SegmentType uint8

// AS_PATH segment types.
const (
	SegSet         SegmentType = 1 // AS_SET
	SegSequence    SegmentType = 2 // AS_SEQUENCE
	SegConfedSeq   SegmentType = 3 // AS_CONFED_SEQUENCE (RFC 5065)
	SegConfedSet   SegmentType = 4 // AS_CONFED_SET (RFC 5065)
	maxSegmentType             = SegConfedSet
)

// Segment is one AS_PATH segment: its type and the range [Start, End) of
// its ASNs in Path.ASNs.
type Segment struct {
	Type       SegmentType
	Start, End int32
}

// Path is a decoded AS path. It owns its slices and reuses them across
// decodes, so a Path kept in a long-lived decoder costs no allocation per
// route once warm. Copy it with Clone to keep it.
type Path struct {
	Segs []Segment
	ASNs []ASN
}

// ErrBadPath reports a malformed AS_PATH or AS4_PATH.
var ErrBadPath = errors.New("malformed AS path")

// Reset empties the path, keeping its storage.
func (p *Path) Reset() { p.Segs, p.ASNs = p.Segs[:0], p.ASNs[:0] }

// Clone returns a deep copy that shares nothing with p.
func (p *Path) Clone() Path {
	return Path{Segs: append([]Segment(nil), p.Segs...), ASNs: append([]ASN(nil), p.ASNs...)}
}

// Decode replaces p with the path encoded in b, whose ASNs are asSize (2 or
// 4) octets wide.
func (p *Path) Decode(b []byte, asSize int) error {
	p.Reset()
	for len(b) > 0 {
		if len(b) < 2 {
			return fmt.Errorf("%w: %d stray bytes", ErrBadPath, len(b))
		}
		typ, n := SegmentType(b[0]), int(b[1])
		if typ == 0 || typ > maxSegmentType {
			return fmt.Errorf("%w: segment type %d", ErrBadPath, typ)
		}
		if len(b) < 2+n*asSize {
			return fmt.Errorf("%w: segment of %d ASNs overruns attribute", ErrBadPath, n)
		}
		start := int32(len(p.ASNs))
		for i := range n {
			off := 2 + i*asSize
			if asSize == 2 {
				p.ASNs = append(p.ASNs, ASN(uint16(b[off])<<8|uint16(b[off+1])))
			} else {
				p.ASNs = append(p.ASNs, ASN(be32(b[off:])))
			}
		}
		p.Segs = append(p.Segs, Segment{Type: typ, Start: start, End: int32(len(p.ASNs))})
		b = b[2+n*asSize:]
	}
	return nil
}

// Segment returns the ASNs of segment i.
func (p *Path) Segment(i int) []ASN { s := p.Segs[i]; return p.ASNs[s.Start:s.End] }

// Len is the path length as RFC 4271 §9.1.2.2 counts it for best-path
// selection and RFC 6793 §4.2.3 for merging: each AS_SEQUENCE ASN counts
// one, an AS_SET counts one, confederation segments count nothing.
func (p *Path) Len() int {
	n := 0
	for _, s := range p.Segs {
		switch s.Type {
		case SegSequence:
			n += int(s.End - s.Start)
		case SegSet:
			n++
		}
	}
	return n
}

// Origin returns the originating AS: the last ASN of a final AS_SEQUENCE.
// A path that is empty or ends in a set has no single origin (ok false).
func (p *Path) Origin() (ASN, bool) {
	if len(p.Segs) == 0 {
		return 0, false
	}
	last := p.Segs[len(p.Segs)-1]
	if last.Type != SegSequence || last.End == last.Start {
		return 0, false
	}
	return p.ASNs[last.End-1], true
}

// Merge4 applies RFC 6793 §4.2.3: given the AS_PATH p of a 2-octet session
// and its AS4_PATH, it keeps the leading Len(p)-Len(as4) hops of p and
// appends as4. When as4 is longer than p, as4 is ignored. tmp is scratch
// storage the caller reuses.
func (p *Path) Merge4(as4 *Path, tmp *Path) {
	keep := p.Len() - as4.Len()
	if keep < 0 || len(as4.Segs) == 0 {
		return
	}
	tmp.Reset()
	count := 0
	for _, s := range p.Segs {
		if count >= keep {
			break
		}
		asns := p.ASNs[s.Start:s.End]
		switch s.Type {
		case SegSequence:
			if count+len(asns) > keep {
				asns = asns[:keep-count]
			}
			count += len(asns)
		case SegSet:
			count++
		}
		tmp.appendSeg(s.Type, asns)
	}
	for i, s := range as4.Segs {
		tmp.appendSeg(s.Type, as4.Segment(i))
	}
	p.Segs = append(p.Segs[:0], tmp.Segs...)
	p.ASNs = append(p.ASNs[:0], tmp.ASNs...)
}

func (p *Path) appendSeg(t SegmentType, asns []ASN) {
	start := int32(len(p.ASNs))
	p.ASNs = append(p.ASNs, asns...)
	p.Segs = append(p.Segs, Segment{Type: t, Start: start, End: int32(len(p.ASNs))})
}

// AppendText appends the path in bgpdump's text form: segments separated by
// spaces, AS_SEQUENCE as "a b", AS_SET as "{a,b}", AS_CONFED_SEQUENCE as
// "(a b)" and AS_CONFED_SET as "[a,b]", ASNs in asplain.
func (p *Path) AppendText(dst []byte) []byte {
	for i, s := range p.Segs {
		if i > 0 {
			dst = append(dst, ' ')
		}
		open, sep, closing := segmentPunct(s.Type)
		if open != 0 {
			dst = append(dst, open)
		}
		for j, a := range p.ASNs[s.Start:s.End] {
			if j > 0 {
				dst = append(dst, sep)
			}
			dst = strconv.AppendUint(dst, uint64(a), 10)
		}
		if closing != 0 {
			dst = append(dst, closing)
		}
	}
	return dst
}

// String returns the text form of AppendText.
func (p *Path) String() string { return string(p.AppendText(nil)) }

func segmentPunct(t SegmentType) (open, sep, closing byte) {
	switch t {
	case SegSet:
		return '{', ',', '}'
	case SegConfedSeq:
		return '(', ' ', ')'
	case SegConfedSet:
		return '[', ',', ']'
	}
	return 0, ' ', 0
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
