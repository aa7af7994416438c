package textline

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/inputerr"
)

func TestReader_LinesAndOffsets(t *testing.T) {
	in := "a|1\r\n\nlong:" + strings.Repeat("x", 5000) + "\nlast"
	r := NewReader(strings.NewReader(in))
	want := []struct {
		text         string
		line, offset int64
	}{{"a|1", 1, 0}, {"", 2, 5}, {"long:" + strings.Repeat("x", 5000), 3, 6}, {"last", 4, 5012}}
	for _, w := range want {
		b, err := r.Read()
		if err != nil || string(b) != w.text || r.Line() != w.line || r.Offset() != w.offset {
			t.Fatalf("Read() = %.20q, %v at line %d offset %d; want %.20q at line %d offset %d", b, err, r.Line(), r.Offset(), w.text, w.line, w.offset)
		}
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("at end: %v", err)
	}
}

func TestReader_LongLine(t *testing.T) {
	r := NewReader(strings.NewReader("ok\n" + strings.Repeat("9", MaxLine+10) + "\n"))
	r.Read()
	if _, err := r.Read(); !errors.Is(err, ErrLongLine) || r.Line() != 2 || r.Offset() != 3 {
		t.Fatalf("err %v at line %d offset %d", err, r.Line(), r.Offset())
	}
}

func TestReader_Locate(t *testing.T) {
	r := NewReader(strings.NewReader("a\nb\n"))
	r.Read()
	if err := r.Locate("f", io.EOF); err != io.EOF {
		t.Errorf("EOF became %v", err)
	}
	var ie *inputerr.Error
	if err := r.Locate("f", io.ErrUnexpectedEOF); !errors.As(err, &ie) || ie.Record != 2 || ie.Offset != 2 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read error located as %v", err)
	}
	if err := r.Locate("f", ErrLongLine); !errors.As(err, &ie) || ie.Record != 1 || ie.Offset != 0 {
		t.Errorf("long line located as %v", err)
	}
}

func TestSplit(t *testing.T) {
	f := make([][]byte, 3)
	if n := Split([]byte("1|2||4"), '|', f); n != 4 || string(f[0]) != "1" || string(f[1]) != "2" || string(f[2]) != "" {
		t.Errorf("Split = %d %q", n, f)
	}
	if n := Split([]byte("x"), '|', f); n != 1 || string(f[0]) != "x" {
		t.Errorf("Split(one field) = %d %q", n, f)
	}
}
