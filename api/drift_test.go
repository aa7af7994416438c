package api_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/observatory-net/observatory/api"
	"github.com/observatory-net/observatory/api/wire"
)

// wireTypes maps every object schema of components/schemas to the Go type
// of package wire that server and SDK use for it.
var wireTypes = map[string]reflect.Type{
	"MonthData":             reflect.TypeFor[wire.MonthData](),
	"ASNList":               reflect.TypeFor[wire.ASNPage](),
	"Score":                 reflect.TypeFor[wire.Score](),
	"AS":                    reflect.TypeFor[wire.AS](),
	"ROVInference":          reflect.TypeFor[wire.ROVInference](),
	"LeakProtection":        reflect.TypeFor[wire.LeakProtection](),
	"Organisation":          reflect.TypeFor[wire.Organisation](),
	"ASRecord":              reflect.TypeFor[wire.ASRecord](),
	"ASList":                reflect.TypeFor[wire.Page[wire.AS]](),
	"LevelCounts":           reflect.TypeFor[wire.LevelCounts](),
	"ScoreAggregate":        reflect.TypeFor[wire.ScoreAggregate](),
	"ScoreSummary":          reflect.TypeFor[wire.ScoreSummary](),
	"Metric":                reflect.TypeFor[wire.Metric](),
	"Route":                 reflect.TypeFor[wire.Route](),
	"Incident":              reflect.TypeFor[wire.Incident](),
	"ScoreDetails":          reflect.TypeFor[wire.ScoreDetails](),
	"IncidentList":          reflect.TypeFor[wire.Page[wire.Incident]](),
	"Feedback":              reflect.TypeFor[wire.Feedback](),
	"FeedbackList":          reflect.TypeFor[wire.FeedbackList](),
	"FeedbackRequest":       reflect.TypeFor[wire.FeedbackRequest](),
	"ReviewRequest":         reflect.TypeFor[wire.Review](),
	"ROAFamily":             reflect.TypeFor[wire.ROAFamily](),
	"ROAStats":              reflect.TypeFor[wire.ROAStats](),
	"ParticipantScore":      reflect.TypeFor[wire.ParticipantScore](),
	"ParticipantRow":        reflect.TypeFor[wire.ParticipantRow](),
	"ParticipantTable":      reflect.TypeFor[wire.ParticipantPage](),
	"ParticipantInput":      reflect.TypeFor[wire.ParticipantInput](),
	"RegisteredParticipant": reflect.TypeFor[wire.RegisteredParticipant](),
	"SpecSummary":           reflect.TypeFor[wire.SpecSummary](),
	"SpecList":              reflect.TypeFor[wire.SpecList](),
	"Spec":                  reflect.TypeFor[wire.Spec](),
	"Health":                reflect.TypeFor[wire.Health](),
	"MonthInputs":           reflect.TypeFor[wire.MonthInputs](),
	"ConformanceFlags":      reflect.TypeFor[wire.ConformanceFlags](),
	"ConformanceRule":       reflect.TypeFor[wire.ConformanceRule](),
	"ConformanceFlag":       reflect.TypeFor[wire.ConformanceFlag](),
	"ConformancePoint":      reflect.TypeFor[wire.ConformancePoint](),
	"ConformanceEvidence":   reflect.TypeFor[wire.ConformanceEvidence](),
	"OutreachTarget":        reflect.TypeFor[wire.OutreachTarget](),
	"OutreachList":          reflect.TypeFor[wire.OutreachList](),
	"NetworkShares":         reflect.TypeFor[wire.NetworkShares](),
	"GrowthMonth":           reflect.TypeFor[wire.GrowthMonth](),
	"GrowthShares":          reflect.TypeFor[wire.GrowthShares](),
	"Growth":                reflect.TypeFor[wire.Growth](),
	"ApplicationInput":      reflect.TypeFor[wire.ApplicationInput](),
	"ApplicationEvidence":   reflect.TypeFor[wire.ApplicationEvidence](),
	"ApplicationCheck":      reflect.TypeFor[wire.ApplicationCheck](),
	"ApplicationTransition": reflect.TypeFor[wire.ApplicationTransition](),
	"Application":           reflect.TypeFor[wire.Application](),
	"ApplicationList":       reflect.TypeFor[wire.ApplicationList](),
	"ApplicationReview":     reflect.TypeFor[wire.ApplicationReview](),
	"ApplicationRecheck":    reflect.TypeFor[wire.ApplicationRecheck](),
	"Report":                reflect.TypeFor[wire.Report](),
	"ReportASN":             reflect.TypeFor[wire.ReportASN](),
	"ReportScore":           reflect.TypeFor[wire.ReportScore](),
	"ReportIncident":        reflect.TypeFor[wire.ReportIncident](),
	"ReportPrefix":          reflect.TypeFor[wire.ReportPrefix](),
	"ReportFinding":         reflect.TypeFor[wire.ReportFinding](),
	"Audit":                 reflect.TypeFor[wire.Audit](),
	"AuditQuery":            reflect.TypeFor[wire.AuditQuery](),
	"AuditPrefix":           reflect.TypeFor[wire.AuditPrefix](),
	"AuditNetwork":          reflect.TypeFor[wire.AuditNetwork](),
	"AuditROA":              reflect.TypeFor[wire.AuditROA](),
	"AuditControl":          reflect.TypeFor[wire.AuditControl](),
	"AuditEvidence":         reflect.TypeFor[wire.AuditEvidence](),
	"AuditProvider":         reflect.TypeFor[wire.AuditProvider](),
	"AuditEdge":             reflect.TypeFor[wire.AuditEdge](),
	"AuditSLAItem":          reflect.TypeFor[wire.AuditSLAItem](),
	"AuditSummary":          reflect.TypeFor[wire.AuditSummary](),
	"AuditSectorsRequest":   reflect.TypeFor[wire.AuditSectorsRequest](),
	"AuditOrganisation":     reflect.TypeFor[wire.AuditOrganisation](),
	"AuditSectors":          reflect.TypeFor[wire.AuditSectors](),
	"AuditSector":           reflect.TypeFor[wire.AuditSector](),
	"AlertList":             reflect.TypeFor[wire.AlertList](),
	"AlertIncident":         reflect.TypeFor[wire.AlertIncident](),
	"EventList":             reflect.TypeFor[wire.EventList](),
	"Event":                 reflect.TypeFor[wire.Event](),
	"EventConfidence":       reflect.TypeFor[wire.EventConfidence](),
	"EventPath":             reflect.TypeFor[wire.EventPath](),
	"RSCheckList":           reflect.TypeFor[wire.RSCheckList](),
	"RSCheckMeta":           reflect.TypeFor[wire.RSCheckMeta](),
	"RSCheck":               reflect.TypeFor[wire.RSCheck](),
	"RSCheckReport":         reflect.TypeFor[wire.RSCheckReport](),
	"RSCheckCounts":         reflect.TypeFor[wire.RSCheckCounts](),
	"RSCheckFile":           reflect.TypeFor[wire.RSCheckFile](),
	"RSCheckMember":         reflect.TypeFor[wire.RSCheckMember](),
	"RSCheckFinding":        reflect.TypeFor[wire.RSCheckFinding](),
	"RSCheckVRP":            reflect.TypeFor[wire.RSCheckVRP](),
	"RSCheckBogon":          reflect.TypeFor[wire.RSCheckBogon](),
	"RSCheckBogonASN":       reflect.TypeFor[wire.RSCheckBogonASN](),
	"RSCheckIRR":            reflect.TypeFor[wire.RSCheckIRR](),
	"RSCheckIRRObject":      reflect.TypeFor[wire.RSCheckIRRObject](),
	"KeyFigures":            reflect.TypeFor[wire.KeyFigures](),
	"KeyFigure":             reflect.TypeFor[wire.KeyFigure](),
	"Severity":              reflect.TypeFor[wire.Severity](),
	"PublishedParticipant":  reflect.TypeFor[wire.PublishedParticipant](),
	"V1ASNs":                reflect.TypeFor[wire.V1ASNs](),
	"V1AS":                  reflect.TypeFor[wire.V1AS](),
	"V1ASList":              reflect.TypeFor[wire.V1ASList](),
	"V1ROAFamily":           reflect.TypeFor[wire.V1ROAFamily](),
	"V1ROAs":                reflect.TypeFor[wire.V1ROAs](),
	"V1Score":               reflect.TypeFor[wire.V1Score](),
	"V1Action":              reflect.TypeFor[wire.V1Action](),
	"V1RoutingInformation":  reflect.TypeFor[wire.V1RoutingInformation](),
	"V1Participant":         reflect.TypeFor[wire.V1Participant](),
	"V1Conformance":         reflect.TypeFor[wire.V1Conformance](),
}

// namedTypes are the Go types of the schemas that are not objects: a
// property referring to one of them must have exactly that type.
var namedTypes = map[string]reflect.Type{
	"Month":     reflect.TypeFor[time.Time](),
	"ASN":       reflect.TypeFor[wire.ASN](),
	"Level":     reflect.TypeFor[wire.Level](),
	"ScoreID":   reflect.TypeFor[wire.ScoreID](),
	"Verdict":   reflect.TypeFor[wire.Verdict](),
	"Programme": reflect.TypeFor[wire.Programme](),
	// NullableNumber is *float64; checkValue checks that shape.
	"NullableNumber": nil,
}

// unmapped are the object schemas without a wire type, and why.
var unmapped = map[string]string{
	"Page":    "only a part of the lists (ASNList, ASList, IncidentList, FeedbackList, ParticipantTable)",
	"Problem": "the server's internal/httpapi.Problem carries its errors; contract_test checks its answers",
}

// TestWireTypes_MatchContract fails on any drift between the schemas of
// openapi.yaml and the types of package wire: a property without a json
// field or the other way round, a field of the wrong kind, a nullable
// property that is not a pointer (or a pointer for one that is not), a
// required property that the field may leave out.
func TestWireTypes_MatchContract(t *testing.T) {
	c := loadContract(t)
	for _, name := range c.objectSchemas() {
		_, mapped := wireTypes[name]
		if _, skip := unmapped[name]; !mapped && !skip {
			t.Errorf("schema %s has no wire type: add it to wireTypes, or to unmapped with why", name)
		}
	}
	for _, name := range sortedKeys(wireTypes) {
		s, ok := c.schemas[name].(map[string]any)
		if !ok {
			t.Errorf("wireTypes names %s, which openapi.yaml does not have", name)
			continue
		}
		for _, e := range c.checkObject(name, s, wireTypes[name]) {
			t.Error(e)
		}
	}
}

// TestWireEnums_MatchContract compares the enums of the contract with the
// constants of package wire.
func TestWireEnums_MatchContract(t *testing.T) {
	c := loadContract(t)
	for name, want := range map[string][]string{
		"Level":     {string(wire.LevelReady), string(wire.LevelAspiring), string(wire.LevelLagging), string(wire.LevelNoData)},
		"ScoreID":   {string(wire.ScoreFiltering), string(wire.ScoreAntiSpoofing), string(wire.ScoreCoordination), string(wire.ScoreIRR), string(wire.ScoreRPKI)},
		"Verdict":   {string(wire.VerdictPending), string(wire.VerdictAccepted), string(wire.VerdictRejected)},
		"Programme": {string(wire.ProgrammeNetops), string(wire.ProgrammeIXP), string(wire.ProgrammeCDN), string(wire.ProgrammeVendor)},
	} {
		var got []string
		for _, v := range asList(asMap(c.schemas[name])["enum"]) {
			got = append(got, fmt.Sprint(v))
		}
		if !slices.Equal(got, want) {
			t.Errorf("schema %s enum %q, wire constants %q", name, got, want)
		}
	}
}

// TestWireTypes_DriftDetected makes sure the check sees drift: a Score
// without level, with an extra field and a value that is not nullable.
func TestWireTypes_DriftDetected(t *testing.T) {
	type drifted struct {
		ID      wire.ScoreID `json:"id"`
		Value   float64      `json:"value"`
		HasData bool         `json:"hasData,omitempty"`
		Extra   string       `json:"extra"`
	}
	c := loadContract(t)
	errs := c.checkObject("Score", c.schemas["Score"].(map[string]any), reflect.TypeFor[drifted]())
	for _, want := range []string{"Score.level", "Score.extra", "Score.value", "Score.hasData"} {
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.HasPrefix(e, want+":") }) {
			t.Errorf("no error for %s; got %q", want, errs)
		}
	}
}

type contract struct{ schemas map[string]any }

func loadContract(t *testing.T) *contract {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(api.YAML, &doc); err != nil {
		t.Fatalf("parse openapi.yaml: %v", err)
	}
	return &contract{doc.Components.Schemas}
}

// objectSchemas lists the schemas with properties or allOf, sorted.
func (c *contract) objectSchemas() []string {
	var out []string
	for name, s := range c.schemas {
		m, _ := s.(map[string]any)
		if m["properties"] != nil || m["allOf"] != nil {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// resolve follows $ref to its schema; name is the schema's name, "" for
// an inline one.
func (c *contract) resolve(s map[string]any) (m map[string]any, name string) {
	for range 10 {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s, name
		}
		name = strings.TrimPrefix(ref, "#/components/schemas/")
		s, _ = c.schemas[name].(map[string]any)
	}
	return s, name
}

// flatten merges the properties and required lists of s and its allOf.
func (c *contract) flatten(s map[string]any, props map[string]map[string]any, req map[string]bool) {
	s, _ = c.resolve(s)
	for _, part := range asList(s["allOf"]) {
		if p, ok := part.(map[string]any); ok {
			c.flatten(p, props, req)
		}
	}
	for k, v := range asMap(s["properties"]) {
		props[k], _ = v.(map[string]any)
	}
	for _, r := range asList(s["required"]) {
		req[fmt.Sprint(r)] = true
	}
}

// field is a json field of a Go struct.
type field struct {
	typ  reflect.Type
	omit bool // omitempty or omitzero
}

// jsonFields lists the fields encoding/json writes for t, embedded
// structs flattened.
func jsonFields(t reflect.Type, out map[string]field) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("json")
		name, opts, _ := strings.Cut(tag, ",")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && !hasTag && f.Type.Kind() == reflect.Struct {
			jsonFields(f.Type, out)
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := slices.ContainsFunc(strings.Split(opts, ","), func(o string) bool { return o == "omitempty" || o == "omitzero" })
		out[name] = field{f.Type, omit}
	}
}

// checkObject compares object schema s with struct type t.
func (c *contract) checkObject(path string, s map[string]any, t reflect.Type) []string {
	if t.Kind() != reflect.Struct {
		return []string{fmt.Sprintf("%s: object schema, Go type %s is not a struct", path, t)}
	}
	props, req := map[string]map[string]any{}, map[string]bool{}
	c.flatten(s, props, req)
	fields := map[string]field{}
	jsonFields(t, fields)
	var errs []string
	for _, name := range sortedKeys(props) {
		p := path + "." + name
		f, ok := fields[name]
		switch {
		case !ok:
			errs = append(errs, fmt.Sprintf("%s: property without a json field in %s", p, t))
			continue
		case req[name] && f.omit:
			errs = append(errs, fmt.Sprintf("%s: required, but %s leaves it out when empty", p, t))
		}
		errs = append(errs, c.checkValue(p, props[name], f.typ)...)
	}
	for _, name := range sortedKeys(fields) {
		if _, ok := props[name]; !ok {
			errs = append(errs, fmt.Sprintf("%s.%s: json field of %s without a property", path, name, t))
		}
	}
	for name := range req {
		if _, ok := props[name]; !ok {
			errs = append(errs, fmt.Sprintf("%s.%s: required, but not a property", path, name))
		}
	}
	return errs
}

var (
	rawType  = reflect.TypeFor[json.RawMessage]()
	timeType = reflect.TypeFor[time.Time]()
)

// checkValue compares the schema of one value with its Go type.
func (c *contract) checkValue(path string, s map[string]any, t reflect.Type) []string {
	s, name := c.resolve(s)
	if want, ok := namedTypes[name]; ok && want != nil && t != want {
		return []string{fmt.Sprintf("%s: schema %s wants Go type %s, not %s", path, name, want, t)}
	}
	if want, ok := wireTypes[name]; ok && t != want {
		return []string{fmt.Sprintf("%s: schema %s wants Go type %s, not %s", path, name, want, t)}
	}
	var types []string
	nullable := false
	for _, ty := range append(asList(s["type"]), s["type"]) {
		switch ty := ty.(type) {
		case string:
			if ty == "null" {
				nullable = true
			} else if !slices.Contains(types, ty) {
				types = append(types, ty)
			}
		}
	}
	if t == rawType || t.Kind() == reflect.Interface {
		if len(types) > 0 && !slices.Contains(types, "object") && !slices.Contains(types, "array") {
			return []string{fmt.Sprintf("%s: %v, not raw JSON (%s)", path, types, t)}
		}
		return nil // any JSON, null included
	}
	if t.Kind() == reflect.Pointer {
		if !nullable {
			return []string{fmt.Sprintf("%s: a pointer (%s), but the schema is not nullable", path, t)}
		}
		t = t.Elem()
	} else if nullable {
		return []string{fmt.Sprintf("%s: nullable, but %s is not a pointer", path, t)}
	}
	if len(types) != 1 {
		return []string{fmt.Sprintf("%s: schema type %v: want one type besides null", path, types)}
	}
	ok := false
	switch types[0] {
	case "string":
		if s["format"] == "date-time" {
			ok = t == timeType
		} else {
			ok = t.Kind() == reflect.String
		}
	case "number":
		ok = t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32
	case "integer":
		ok = t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64
	case "boolean":
		ok = t.Kind() == reflect.Bool
	case "array":
		if t.Kind() != reflect.Slice {
			break
		}
		items, _ := s["items"].(map[string]any)
		return c.checkValue(path+"[]", items, t.Elem())
	case "object":
		if t.Kind() == reflect.Map {
			return nil
		}
		if s["properties"] == nil && s["allOf"] == nil {
			return []string{fmt.Sprintf("%s: an object without properties, want raw JSON or a map, not %s", path, t)}
		}
		return c.checkObject(path, s, t)
	}
	if !ok {
		return []string{fmt.Sprintf("%s: schema %s (format %v), not Go %s", path, types[0], s["format"], t)}
	}
	return nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
