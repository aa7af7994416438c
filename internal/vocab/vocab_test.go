package vocab

import (
	"errors"
	"testing"
	"time"
)

func TestLevelAPI(t *testing.T) {
	for _, l := range Levels {
		back, ok := LevelFromAPI(l.API())
		if !ok || back != l {
			t.Errorf("%s: API name %q reads back as %q, %v", l, l.API(), back, ok)
		}
	}
	if NoData.API() != "noData" || Ready.API() != "ready" {
		t.Errorf("API names %q %q", NoData.API(), Ready.API())
	}
	if _, ok := LevelFromAPI("no_data_available"); ok {
		t.Error("the store's name of NoData is not an API name")
	}
}

func TestMonth(t *testing.T) {
	m, err := ParseMonth("2014-05")
	if err != nil {
		t.Fatal(err)
	}
	if m.String() != "2014-05" || m.Next().String() != "2014-06" || m.Prev().String() != "2014-04" {
		t.Errorf("%s %s %s", m, m.Next(), m.Prev())
	}
	if !m.End().Equal(time.Date(2014, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("end %v", m.End())
	}
	if MonthOf(time.Date(2014, 5, 31, 23, 59, 59, 0, time.FixedZone("x", -3600))) != m.Next() {
		t.Error("MonthOf does not use UTC")
	}
	for _, bad := range []string{"2014-5", "2014-13", "14-05", "2014-05-01", ""} {
		if _, err := ParseMonth(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseASN(t *testing.T) {
	for in, want := range map[string]uint32{"3333": 3333, "AS3333": 3333, "as3333": 3333, " AS7 ": 7,
		"1.10": 65546, "AS0.3333": 3333, "4294967295": 4294967295, "65535.65535": 4294967295} {
		if got, err := ParseASN(in); err != nil || got != want {
			t.Errorf("ParseASN(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "AS", "+5", "-5", "4294967296", "AS-X", "1.65536", "1.", ".1", "3 333", "0x10", "1_000"} {
		if _, err := ParseASN(in); !errors.Is(err, ErrBadASN) {
			t.Errorf("ParseASN(%q): error %v, want ErrBadASN", in, err)
		}
	}
}
