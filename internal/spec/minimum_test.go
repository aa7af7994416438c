package spec

import "testing"

func TestMinimum_Validate(t *testing.T) {
	bad := DefaultMinimum()
	bad.Failing = []string{"ready"}
	bad.ConsecutiveMonths = 0
	bad.Scores = []string{"nope"}
	if err := bad.Validate(); err == nil {
		t.Error("Validate() of a bad rule = nil")
	}
	sp, err := Get(Default)
	if err != nil {
		t.Fatal(err)
	}
	if r := sp.MinimumRule(); r.ConsecutiveMonths != 3 || r.NoDataMonths != 3 || len(r.Scores) != 5 {
		t.Errorf("%s minimum = %+v", Default, r)
	}
}

// TestMinimumRule_Defaults: a specification without a minimum section
// gets DefaultMinimum, and a partial one keeps what it states.
func TestMinimumRule_Defaults(t *testing.T) {
	var s Spec
	if r := s.MinimumRule(); r.ConsecutiveMonths != 3 || r.HistoryMonths != 12 || len(r.Failing) != 1 {
		t.Errorf("MinimumRule() of an empty section = %+v", r)
	}
	s.Minimum = Minimum{ConsecutiveMonths: 18, Failing: []string{"aspiring", "lagging"}}
	r := s.MinimumRule()
	if r.ConsecutiveMonths != 18 || r.HistoryMonths != 18 || len(r.Failing) != 2 || len(r.Scores) != 5 {
		t.Errorf("MinimumRule() of a partial section = %+v", r)
	}
	if err := r.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}
