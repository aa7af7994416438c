package api

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestContract_Valid loads the contract with kin-openapi and validates it
// as an OpenAPI 3.1 document, examples and defaults included.
func TestContract_Valid(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(YAML)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi = %q, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation(), openapi3.EnableSchemaDefaultsValidation()); err != nil {
		t.Fatalf("openapi.yaml is not valid: %v", err)
	}
}

// TestJSON_SameDocument checks that the served JSON is the YAML document.
func TestJSON_SameDocument(t *testing.T) {
	b, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	paths, _ := doc["paths"].(map[string]any)
	if _, ok := paths["/api/v2/scores/summary"]; !ok {
		t.Errorf("JSON lacks /api/v2/scores/summary; paths: %d", len(paths))
	}
	loader := openapi3.NewLoader()
	if _, err := loader.LoadFromData(b); err != nil {
		t.Errorf("load the JSON form: %v", err)
	}
}
