package audit

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/vocab"
)

// ParseQuery reads a query as the API's parameters and the dashboard's
// form give it: ASNs (AS64500, 64500 or asdot) and prefixes, each a list
// of values separated by commas or spaces, and a PeeringDB organisation id
// ("" for none). The query is validated; errors name the value at fault.
func ParseQuery(asns, prefixes []string, org string) (Query, error) {
	var q Query
	for _, f := range fields(asns) {
		a, err := vocab.ParseASN(f)
		if err != nil {
			return q, fmt.Errorf("asn %q: want AS followed by a number up to 4294967295, or a number", f)
		}
		q.ASNs = append(q.ASNs, a)
	}
	for _, f := range fields(prefixes) {
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return q, fmt.Errorf("prefix %q: want an IPv4 or IPv6 prefix such as 192.0.2.0/24", f)
		}
		q.Prefixes = append(q.Prefixes, p)
	}
	if org = strings.TrimSpace(org); org != "" {
		id, err := strconv.Atoi(org)
		if err != nil || id < 1 {
			return q, fmt.Errorf("org %q: want a PeeringDB organisation id, a positive integer", org)
		}
		q.Org = id
	}
	return q, q.Validate()
}

// fields splits values at commas and white space, dropping empty parts.
func fields(vs []string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })...)
	}
	return out
}
