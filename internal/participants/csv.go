package participants

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// columns maps accepted header names to a field.
var columns = map[string]string{
	"organisation": "org", "organization": "org", "name": "org",
	"programme": "programme", "program": "programme",
	"asns": "asns", "asn": "asns",
	"approved": "approved", "date approved": "approved", "member_since": "approved", "member since": "approved",
	"areas": "areas", "areas served": "areas", "areas_served": "areas",
}

func readCSV(r io.Reader, name string, damaged *inputerr.Log) ([]Participant, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	fail := func(line int, off int64, err error) error {
		return inputerr.New(name, int64(line), off, err)
	}
	header, err := cr.Read()
	if err != nil {
		return nil, fail(1, 0, fmt.Errorf("header: %w", err))
	}
	col := map[string]int{}
	for i, h := range header {
		f, ok := columns[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			continue
		}
		col[f] = i
	}
	for _, need := range []string{"org", "asns"} {
		if _, ok := col[need]; !ok {
			return nil, fail(1, 0, fmt.Errorf("header %q lacks an organisation or asns column", strings.Join(header, ",")))
		}
	}
	var out []Participant
	for {
		off := cr.InputOffset()
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fail(line, off, err)
			}
			if err := damaged.SkipErr(fail(pe.StartLine, off, err)); err != nil {
				return nil, err
			}
			continue
		}
		line, _ := cr.FieldPos(0) // only valid after a successful Read
		get := func(f string) string {
			if i, ok := col[f]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		p, err := participant(get("org"), get("programme"), splitList(get("asns")), get("approved"), splitList(get("areas")))
		if err != nil {
			if err := damaged.SkipErr(fail(line, off, err)); err != nil {
				return nil, err
			}
			continue
		}
		p.Record, p.Offset = int64(line), off
		out = append(out, p)
	}
}
