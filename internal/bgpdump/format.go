package bgpdump

import (
	"net/netip"
	"strconv"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt"
)

// Options select bgpdump's optional fields.
type Options struct {
	Large       bool // -l: a large-communities field after the communities
	RecordIndex bool // -p: bgpdump's packet index (Elem.Entry) after the type
}

// AppendLine appends the -m line of e, with its newline, to dst. Elements
// that bgpdump does not print (none today) leave dst unchanged.
func AppendLine(dst []byte, e *mrt.Elem, opt Options) []byte {
	dst = appendType(dst, e)
	dst = append(dst, '|')
	if opt.RecordIndex {
		dst = strconv.AppendInt(dst, e.Entry, 10)
		dst = append(dst, '|')
	}
	dst = strconv.AppendUint(dst, uint64(e.Time), 10)
	if e.Type == mrt.TypeBGP4MPET {
		dst = append(dst, '.')
		dst = appendMicro(dst, e.Micro)
	}
	switch e.Kind {
	case mrt.KindState:
		dst = append(dst, "|STATE|"...)
		dst = appendPeer(dst, e)
		dst = append(dst, '|')
		dst = strconv.AppendUint(dst, uint64(e.OldState), 10)
		dst = append(dst, '|')
		dst = strconv.AppendUint(dst, uint64(e.NewState), 10)
		return append(dst, '\n')
	case mrt.KindWithdraw:
		dst = append(dst, "|W|"...)
		dst = appendPeer(dst, e)
		dst = append(dst, '|')
		dst = appendPrefix(dst, e.Prefix)
		if e.AddPath {
			dst = append(dst, '|')
			dst = strconv.AppendUint(dst, uint64(e.PathID), 10)
		}
		return append(dst, '\n')
	case mrt.KindRIB:
		dst = append(dst, "|B|"...)
	default:
		dst = append(dst, "|A|"...)
	}
	dst = appendPeer(dst, e)
	dst = append(dst, '|')
	dst = appendPrefix(dst, e.Prefix)
	dst = append(dst, '|')
	if e.AddPath {
		dst = strconv.AppendUint(dst, uint64(e.PathID), 10)
		dst = append(dst, '|')
	}
	return appendAttrs(dst, e, opt)
}

func appendAttrs(dst []byte, e *mrt.Elem, opt Options) []byte {
	a := e.Attrs
	// bgpdump leaves out path..MED when an MP next hop has an odd length.
	if e.FromMP && !goodNextHopLen(len(a.MPReach.NextHop)) && e.Kind != mrt.KindRIB {
		return appendTail(dst, a, opt)
	}
	dst = a.Path.AppendText(dst)
	dst = append(dst, '|')
	dst = append(dst, a.Origin.String()...)
	dst = append(dst, '|')
	dst = appendNextHop(dst, e)
	dst = append(dst, '|')
	dst = strconv.AppendUint(dst, uint64(a.LocalPref), 10)
	dst = append(dst, '|')
	dst = strconv.AppendUint(dst, uint64(a.MED), 10)
	dst = append(dst, '|')
	return appendTail(dst, a, opt)
}

func goodNextHopLen(n int) bool { return n == 4 || n == 16 || n == 32 }

// appendTail appends communities, large communities, AG/NAG and aggregator.
func appendTail(dst []byte, a *bgp.Attrs, opt Options) []byte {
	first := true
	for c := range a.CommunityList() {
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		dst = appendCommunity(dst, c)
	}
	dst = append(dst, '|')
	if opt.Large {
		first = true
		for c := range a.LargeCommunityList() {
			if !first {
				dst = append(dst, ' ')
			}
			first = false
			dst = strconv.AppendUint(dst, uint64(c.Global), 10)
			dst = append(dst, ':')
			dst = strconv.AppendUint(dst, uint64(c.Local1), 10)
			dst = append(dst, ':')
			dst = strconv.AppendUint(dst, uint64(c.Local2), 10)
		}
		dst = append(dst, '|')
	}
	if a.Has(bgp.AttrAtomicAggregate) {
		dst = append(dst, "AG|"...)
	} else {
		dst = append(dst, "NAG|"...)
	}
	if a.Has(bgp.AttrAggregator) {
		dst = strconv.AppendUint(dst, uint64(a.Aggregator.AS), 10)
		dst = append(dst, ' ')
		dst = a.Aggregator.Addr.AppendTo(dst)
	}
	dst = append(dst, '|')
	return append(dst, '\n')
}

func appendCommunity(dst []byte, c bgp.Community) []byte {
	switch c {
	case bgp.NoExport:
		return append(dst, "no-export"...)
	case bgp.NoAdvertise:
		return append(dst, "no-advertise"...)
	case bgp.NoExportSubconfed:
		return append(dst, "local-AS"...)
	}
	dst = strconv.AppendUint(dst, uint64(c>>16), 10)
	dst = append(dst, ':')
	return strconv.AppendUint(dst, uint64(c&0xffff), 10)
}

// appendNextHop prints the next hop for the prefix's family; bgpdump
// prints a missing one as 255.255.255.255 (its INADDR_NONE).
func appendNextHop(dst []byte, e *mrt.Elem) []byte {
	nh, ok := e.NextHop()
	if !ok {
		nh = netip.AddrFrom4([4]byte{255, 255, 255, 255})
	}
	return appendAddr(dst, nh)
}

func appendPeer(dst []byte, e *mrt.Elem) []byte {
	dst = appendAddr(dst, e.PeerIP)
	dst = append(dst, '|')
	return strconv.AppendUint(dst, uint64(e.PeerAS), 10)
}

func appendMicro(dst []byte, us uint32) []byte {
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = byte('0' + us%10)
		us /= 10
	}
	return append(dst, b[:]...)
}

// appendType prints bgpdump's record type name.
func appendType(dst []byte, e *mrt.Elem) []byte {
	switch e.Type {
	case mrt.TypeTableDump:
		return append(dst, "TABLE_DUMP"...)
	case mrt.TypeTableDumpV2:
		if e.AddPath {
			return append(dst, "TABLE_DUMP2_AP"...)
		}
		return append(dst, "TABLE_DUMP2"...)
	case mrt.TypeBGP:
		return append(dst, "BGP"...)
	}
	dst = append(dst, "BGP4MP"...)
	if e.Type == mrt.TypeBGP4MPET {
		dst = append(dst, "_ET"...)
	}
	if e.Local {
		dst = append(dst, "_LOCAL"...)
	}
	if e.AddPath {
		dst = append(dst, "_AP"...)
	}
	return dst
}
