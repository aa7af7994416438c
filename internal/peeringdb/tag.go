package peeringdb

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// TagFromName tells the object type of an API page from its file name:
// "net-page-1.json", "poc_page_2.json.gz", "ixlan.json", or a path whose
// directory is the type, ".../api/netixlan/page-1.json". It returns ""
// when the name does not say.
func TagFromName(name string) Tag {
	if name == "" {
		return ""
	}
	base := filepath.Base(name)
	for _, ext := range []string{".gz", ".bz2", ".zst", ".json"} {
		base = strings.TrimSuffix(base, ext)
	}
	head := strings.FieldsFunc(base, func(c rune) bool { return c == '-' || c == '_' || c == '.' })
	if len(head) > 0 && knownTags[Tag(head[0])] {
		return Tag(head[0])
	}
	if len(head) > 0 && head[0] == "page" {
		if dir := Tag(filepath.Base(filepath.Dir(name))); knownTags[dir] {
			return dir
		}
	}
	return ""
}

// sniffRules tell a type from the keys of one object; the first rule whose
// required keys are all present and forbidden keys all absent wins.
var sniffRules = []struct {
	tag       Tag
	need, not []string
}{
	{TagPoc, []string{"role", "net_id"}, nil},
	{TagNetIXLan, []string{"net_id", "ixlan_id"}, nil},
	{TagNetFac, []string{"net_id", "fac_id"}, nil},
	{TagIXFac, []string{"ix_id", "fac_id"}, nil},
	{TagCarrierFac, []string{"carrier_id", "fac_id"}, nil},
	{TagIXPfx, []string{"ixlan_id", "prefix"}, nil},
	{TagIXLan, []string{"ix_id", "rs_asn"}, nil},
	{TagNet, []string{"asn", "info_type"}, nil},
	{TagNet, []string{"asn", "irr_as_set"}, nil},
	{TagIX, []string{"proto_unicast"}, nil},
	{TagFac, []string{"org_id", "clli"}, nil},
	{TagFac, []string{"org_id", "address1"}, nil},
	{TagCarrier, []string{"org_id", "fac_count"}, []string{"asn"}},
	{TagCampus, []string{"org_id", "zipcode"}, []string{"address1"}},
	{TagOrg, []string{"address1"}, []string{"org_id"}},
}

// SniffTag tells the type of one JSON object from its keys, or returns ""
// when no rule matches. It fails only when raw is not a JSON object.
func SniffTag(raw []byte) (Tag, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return "", fmt.Errorf("sniff object type: %w", err)
	}
	for _, rule := range sniffRules {
		if hasAll(keys, rule.need) && !hasAny(keys, rule.not) {
			return rule.tag, nil
		}
	}
	return "", nil
}

func hasAll(m map[string]json.RawMessage, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func hasAny(m map[string]json.RawMessage, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}
