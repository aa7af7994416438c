package store

import (
	"errors"
	"testing"
)

func TestCorrupt(t *testing.T) {
	cause := errors.New("page 7: btree cell overflows")
	err := Corrupt(cause)
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, cause) {
		t.Errorf("Corrupt(%v) = %v: want it to match both ErrCorrupt and its cause", cause, err)
	}
	if got, want := err.Error(), "page 7: btree cell overflows (the store is damaged)"; got != want {
		t.Errorf("Corrupt(%v).Error() = %q, want %q", cause, got, want)
	}
	if Corrupt(err) != err {
		t.Errorf("Corrupt(Corrupt(err)) wraps twice")
	}
	if Corrupt(nil) != nil {
		t.Errorf("Corrupt(nil) = %v, want nil", Corrupt(nil))
	}
}
