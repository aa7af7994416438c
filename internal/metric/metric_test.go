package metric

import (
	"slices"
	"testing"

	"github.com/observatory-net/observatory/internal/vocab"
)

// TestAll_vocabOrder checks that every metric of the vocabulary has one
// unit, in vocab.Metrics order, with a formula and descriptions.
func TestAll_vocabOrder(t *testing.T) {
	var ids []vocab.MetricID
	for _, u := range All() {
		ids = append(ids, u.ID)
		if u.Formula == nil || u.Inputs == "" || u.Evidence == "" {
			t.Errorf("unit %s lacks a formula, inputs or evidence", u.ID)
		}
	}
	if !slices.Equal(ids, vocab.Metrics) {
		t.Errorf("units %v, want vocab.Metrics %v", ids, vocab.Metrics)
	}
	if _, ok := Lookup(vocab.M8); !ok {
		t.Error("Lookup(M8) found nothing")
	}
}
