package participants

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// jsonParticipant is one element of the conformance API shape (§7.1).
type jsonParticipant struct {
	Name         string            `json:"name"`
	Organisation string            `json:"organisation"`
	Programme    string            `json:"programme"`
	ASNs         []json.RawMessage `json:"ASNs"`
	ASNsLower    []json.RawMessage `json:"asns"`
	MemberSince  string            `json:"member_since"`
	MemberSince2 string            `json:"memberSince"`
	Approved     string            `json:"approved"`
	AreasServed  []string          `json:"areas_served"`
	AreasServed2 []string          `json:"areasServed"`
}

func readJSON(br *bufio.Reader, name string, damaged *inputerr.Log) ([]Participant, error) {
	dec := json.NewDecoder(br)
	fail := func(rec int, err error) error { return inputerr.New(name, int64(rec), dec.InputOffset(), err) }
	tok, err := dec.Token()
	if err != nil {
		return nil, fail(0, err)
	}
	if tok == json.Delim('{') {
		if err := seekParticipants(dec); err != nil {
			return nil, fail(0, err)
		}
		if tok, err = dec.Token(); err != nil {
			return nil, fail(0, err)
		}
	}
	if tok != json.Delim('[') {
		return nil, fail(0, fmt.Errorf("want an array of participants, found %v", tok))
	}
	var out []Participant
	for i := 1; dec.More(); i++ {
		off := dec.InputOffset()
		var jp jsonParticipant
		err := dec.Decode(&jp)
		var te *json.UnmarshalTypeError
		if err != nil && !errors.As(err, &te) {
			return nil, fail(i, err) // broken syntax: the decoder cannot go on
		}
		var p Participant
		if err == nil {
			p, err = jp.participant()
		}
		if err != nil {
			if err := damaged.SkipErr(fail(i, err)); err != nil {
				return nil, err
			}
			continue
		}
		p.Record, p.Offset = int64(i), off
		out = append(out, p)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail(len(out)+1, err)
	}
	return out, nil
}

// seekParticipants advances an object's decoder to the value of its
// "participants" key.
func seekParticipants(dec *json.Decoder) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if key, _ := tok.(string); key == "participants" {
			return nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return errors.New(`no "participants" array in the object`)
}

func (jp *jsonParticipant) participant() (Participant, error) {
	raw := append(jp.ASNs, jp.ASNsLower...)
	asns := make([]string, 0, len(raw))
	for _, r := range raw {
		var n uint64
		if err := json.Unmarshal(r, &n); err == nil {
			asns = append(asns, strconv.FormatUint(n, 10))
			continue
		}
		var s string
		if err := json.Unmarshal(r, &s); err != nil {
			return Participant{}, fmt.Errorf("ASN %s is neither a number nor a string", r)
		}
		asns = append(asns, s)
	}
	org := firstOf(jp.Name, jp.Organisation)
	approved := firstOf(jp.MemberSince, jp.MemberSince2, jp.Approved)
	return participant(org, jp.Programme, asns, approved, append(jp.AreasServed, jp.AreasServed2...))
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
