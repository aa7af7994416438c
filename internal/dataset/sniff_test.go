package dataset

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestSniff_bareVRPArray checks that a bare JSON array of VRPs is
// recognised by its content, on one line longer than the head Sniff sees
// and pretty-printed, and that other JSON arrays are not taken for one.
func TestSniff_bareVRPArray(t *testing.T) {
	var one strings.Builder
	one.WriteByte('[')
	for i := range 3000 {
		if i > 0 {
			one.WriteByte(',')
		}
		fmt.Fprintf(&one, `{"prefix":"10.%d.%d.0/24","maxLength":24,"asn":"%d"}`, i/256, i%256, i+1)
	}
	one.WriteByte(']')
	long := one.String()
	if len(long) <= headSize {
		t.Fatalf("test array of %d bytes fits the head", len(long))
	}
	for name, tt := range map[string]struct {
		head string
		want Kind
	}{
		"one line, cut":   {long[:headSize], KindVRP},
		"pretty":          {"[\n  {\n    \"asn\": \"AS13335\",\n    \"prefix\": \"1.1.1.0/24\"\n  },\n  {\"asn\": 1, \"prefix\": \"2001:db8::/32\", \"maxLen\": 48, \"ta\": \"x\"}\n]\n", KindVRP},
		"numbers":         {"[1,2,3]", KindUnknown},
		"other objects":   {`[{"name":"x","id":1},{"name":"y","id":2}]`, KindUnknown},
		"mostly damaged":  {`[{"prefix":"10.0.0.0/8","asn":1},{"prefix":1},{"prefix":2},{"prefix":3}]`, KindUnknown},
		"empty":           {"[]", KindUnknown},
		"spoofer page":    {`{"@context":"/contexts/Session","@id":"/sessions","@type":"hydra:Collection","hydra:member":[{"@id":"/sessions/1","@type":"Session","asn4":"64496","client4":"192.0.2.0/24","routedspoof":"blocked","timestamp":"2024-05-01T00:00:00+00:00"}]}`, KindSpoofer},
		"spoofer lines":   {`{"@id":"/sessions/1","@type":"Session","asn4":"64496","asn6":null,"client4":"192.0.2.0/24","privatespoof":"blocked","routedspoof":"blocked","timestamp":"2024-05-01T00:00:00+00:00"}` + "\n", KindSpoofer},
		"rpki-client doc": {`{"roas":[{"asn":1,"prefix":"10.0.0.0/8","maxLength":8}]}`, KindVRP},
	} {
		if got := Sniff(context.Background(), []byte(tt.head)); got != tt.want {
			t.Errorf("%s: Sniff() = %q, want %q", name, got, tt.want)
		}
	}
}
