package spec

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Change is one difference between two specifications: the setting's
// path (as "readiness.ready" or "actions[filtering].counted") and its
// value in each, empty where absent.
type Change struct {
	Path     string
	From, To string
}

// Diff lists what changed from a to b, by setting path. Identity fields
// (version, title, published) are included: they tell the versions apart.
func Diff(a, b *Spec) []Change {
	fa, fb := flatten(a), flatten(b)
	keys := slices.Sorted(maps.Keys(fa))
	for k := range fb {
		if _, ok := fa[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []Change
	for _, k := range keys {
		if fa[k] != fb[k] {
			out = append(out, Change{Path: k, From: fa[k], To: fb[k]})
		}
	}
	return out
}

// flatten renders every leaf setting as path → JSON text. Actions are
// keyed by their score id so that reordering is not a change.
func flatten(s *Spec) map[string]string {
	b, _ := json.Marshal(s)
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	out := map[string]string{}
	walk(out, "", v)
	return out
}

func walk(out map[string]string, prefix string, v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			walk(out, join(prefix, k), x)
		}
	case []any:
		if keyed := actionKeys(t); keyed != nil {
			for k, x := range keyed {
				walk(out, fmt.Sprintf("%s[%s]", prefix, k), x)
			}
			return
		}
		b, _ := json.Marshal(t)
		out[prefix] = string(b)
	default:
		b, _ := json.Marshal(t)
		out[prefix] = string(b)
	}
}

// actionKeys keys a list of objects by their "score" field, or returns nil.
func actionKeys(list []any) map[string]any {
	m := map[string]any{}
	for _, x := range list {
		o, ok := x.(map[string]any)
		if !ok {
			return nil
		}
		k, ok := o["score"].(string)
		if !ok {
			return nil
		}
		m[k] = o
	}
	return m
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + strings.TrimSpace(k)
}
