// Package api holds the /api/v2 contract of the observatory, openapi.yaml,
// an OpenAPI 3.1 document that is the single source of truth for the
// server (internal/httpapi) and the Go SDK. The server embeds it and serves
// it as JSON; its tests validate every response against it. The JSON
// types of its schemas, which server and SDK share, are in package
// api/wire; a test here fails when the two drift apart.
package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"go.yaml.in/yaml/v3"
)

// YAML is the contract as written.
//
//go:embed openapi.yaml
var YAML []byte

var jsonOnce = sync.OnceValues(func() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(YAML, &doc); err != nil {
		return nil, fmt.Errorf("api: parse openapi.yaml: %w", err)
	}
	return json.Marshal(toJSON(doc))
})

// JSON returns the contract as JSON, converted from YAML once.
func JSON() ([]byte, error) { return jsonOnce() }

// toJSON makes a decoded YAML value encodable as JSON: mapping keys that
// YAML typed as numbers or booleans become strings.
func toJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = toJSON(x)
		}
		return v
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[fmt.Sprint(k)] = toJSON(x)
		}
		return m
	case []any:
		for i, x := range v {
			v[i] = toJSON(x)
		}
		return v
	}
	return v
}
