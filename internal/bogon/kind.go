package bogon

import "fmt"

// Kind says whether, and how strongly, something is a bogon.
type Kind uint8

// The kinds of bogon, in increasing severity.
const (
	None           Kind = iota // not a bogon
	Administrative             // not (yet) allocated by a registry
	Full                       // special-purpose or reserved: never routable
)

// String returns "none", "administrative" or "full".
func (k Kind) String() string {
	switch k {
	case None:
		return "none"
	case Administrative:
		return "administrative"
	case Full:
		return "full"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}
