package spoofer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/jsonstream"
)

// maxSession bounds one session object; real ones are some 400 bytes.
const maxSession = 64 << 10

// jsonSession is one session of the Spoofer data API
// (https://api.spoofer.caida.org/sessions), as its JSON-LD collection
// pages list them in "hydra:member":
//
//	{"@id":"/sessions/891176","@type":"Session","asn4":"3356","asn6":null,
//	 "client4":"4.30.179.0/24","client6":null,"country":"usa","nat4":true,
//	 "nat6":null,"privatespoof":"blocked","privatespoof6":null,
//	 "routedspoof":"blocked","routedspoof6":null,"session":891176,
//	 "timestamp":"2020-05-07T14:34:59+00:00"}
//
// Members not listed are ignored.
type jsonSession struct {
	Session       *uint64         `json:"session"`
	Timestamp     *string         `json:"timestamp"`
	Country       *string         `json:"country"`
	ASN4          json.RawMessage `json:"asn4"`
	ASN6          json.RawMessage `json:"asn6"`
	Client4       *string         `json:"client4"`
	Client6       *string         `json:"client6"`
	NAT4          *bool           `json:"nat4"`
	NAT6          *bool           `json:"nat6"`
	PrivateSpoof  *string         `json:"privatespoof"`
	PrivateSpoof6 *string         `json:"privatespoof6"`
	RoutedSpoof   *string         `json:"routedspoof"`
	RoutedSpoof6  *string         `json:"routedspoof6"`
}

// family is the half of a session for one IP version.
type family struct {
	asn              json.RawMessage
	client           *string
	nat              *bool
	private, routed  *string
	v4               bool
	name             string // "4" or "6", for errors
	asnKey, cliKey   string
	privKey, routKey string
}

// records converts a session into one Record per IP version it tested.
// A version whose client block or ASN is null (not tested, or a client
// in unrouted space) gives no record.
func (s *jsonSession) records(out []Record) ([]Record, error) {
	if s.Timestamp == nil {
		return out, errors.New("missing timestamp")
	}
	t, err := parseTime(*s.Timestamp)
	if err != nil {
		return out, err
	}
	var base Record
	base.Time = t
	if s.Session != nil {
		base.Session = *s.Session
	}
	if s.Country != nil && len(*s.Country) == 2 {
		// The API writes ISO 3166 alpha-3 codes in lower case ("usa");
		// Record keeps alpha-2 codes only, and alpha-3 ones are left out.
		if base.Country, err = parseCountry(*s.Country); err != nil {
			return out, err
		}
	}
	for _, f := range [...]family{
		{s.ASN4, s.Client4, s.NAT4, s.PrivateSpoof, s.RoutedSpoof, true, "4", "asn4", "client4", "privatespoof", "routedspoof"},
		{s.ASN6, s.Client6, s.NAT6, s.PrivateSpoof6, s.RoutedSpoof6, false, "6", "asn6", "client6", "privatespoof6", "routedspoof6"},
	} {
		if isNull(f.asn) || f.client == nil {
			continue
		}
		rec := base
		if rec.ASN, err = parseJSONASN(f.asn); err != nil {
			return out, fmt.Errorf("%s: %w", f.asnKey, err)
		}
		if rec.Prefix, err = parsePrefix(*f.client); err != nil {
			return out, fmt.Errorf("%s: %w", f.cliKey, err)
		}
		if rec.Prefix.Addr().Is4() != f.v4 {
			return out, fmt.Errorf("%s: %s is not an IPv%s block", f.cliKey, rec.Prefix, f.name)
		}
		if f.nat != nil {
			rec.NAT = NATNo
			if *f.nat {
				rec.NAT = NATYes
			}
		}
		if f.private != nil {
			if rec.Private, err = parseOutcome(*f.private); err != nil {
				return out, fmt.Errorf("%s: %w", f.privKey, err)
			}
		}
		if f.routed != nil {
			if rec.Routable, err = parseOutcome(*f.routed); err != nil {
				return out, fmt.Errorf("%s: %w", f.routKey, err)
			}
		}
		out = append(out, rec)
	}
	return out, nil
}

// isNull reports an absent or null member.
func isNull(b json.RawMessage) bool { return len(b) == 0 || string(b) == "null" }

// parseJSONASN reads an ASN written as a JSON string ("3356", "AS3356")
// or number.
func parseJSONASN(b json.RawMessage) (bgp.ASN, error) {
	var s string
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, err
		}
	} else {
		s = string(b)
	}
	return bgp.ParseASN(strings.TrimSpace(s))
}

// jsonReader walks Spoofer data API JSON: a sequence of top-level values
// (one file, JSON Lines, or pages written one after another), each a
// JSON-LD collection page ({"hydra:member":[sessions…], "hydra:view":…}),
// one session object, or an array of session objects.
type jsonReader struct {
	ctx     context.Context
	sc      *jsonstream.Scanner
	name    string
	damaged *inputerr.Log
	n       int64 // sessions seen, damaged ones included
	out     []Record
	members bytes.Buffer // the members of a top-level object, kept as a session
}

// errEnd stops the walk after damage to the structure that was reported.
var errEnd = errors.New("end of the readable part")

// loadJSON reads Spoofer data API JSON from r; base is the offset of r's
// first byte in the stream.
func loadJSON(ctx context.Context, r io.Reader, name string, base int64, damaged *inputerr.Log) ([]Record, error) {
	j := &jsonReader{ctx: ctx, sc: jsonstream.NewScanner(r, base, maxSession), name: name, damaged: damaged}
	for {
		c, err := j.sc.Peek()
		if err == io.EOF {
			return j.out, nil
		}
		switch {
		case err != nil:
			err = j.broken(j.sc.Offset(), fmt.Errorf("read: %w", err))
		case c == '[':
			err = j.array(j.session)
		case c == '{':
			err = j.object()
		default:
			err = j.broken(j.sc.Offset(), fmt.Errorf("want a page, a session or an array of sessions, found %q", c))
		}
		if err == errEnd {
			return j.out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// object reads a top-level object: a collection page, whose sessions are
// the elements of "hydra:member", or else one session.
func (j *jsonReader) object() error {
	start := j.sc.Offset()
	_ = j.sc.Expect('{')
	j.members.Reset()
	j.members.WriteByte('{')
	page, tooLong := false, false
	for first := true; ; first = false {
		c, err := j.sc.Peek()
		switch {
		case err != nil:
			return j.broken(j.sc.Offset(), j.endErr(err))
		case c == '}':
			j.sc.Consume()
			if page {
				return nil
			}
			j.members.WriteByte('}')
			return j.topSession(start, tooLong)
		case !first && c != ',':
			return j.broken(j.sc.Offset(), fmt.Errorf("want ',' or '}', found %q", c))
		case !first:
			j.sc.Consume()
		}
		keyOff := j.sc.Offset()
		key, err := j.sc.Key()
		if err != nil {
			return j.broken(keyOff, j.endErr(err))
		}
		if key == "hydra:member" {
			page = true
			if err := j.array(j.session); err != nil {
				return err
			}
			continue
		}
		raw, err := j.sc.Value(',', '}')
		switch {
		case errors.Is(err, jsonstream.ErrTooLong):
			tooLong = true
			continue
		case err != nil:
			return j.broken(keyOff, j.endErr(err))
		}
		if page || tooLong {
			continue
		}
		if j.members.Len()+len(key)+len(raw)+8 > maxSession {
			tooLong = true
			continue
		}
		if j.members.Len() > 1 {
			j.members.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		j.members.Write(k)
		j.members.WriteByte(':')
		j.members.Write(raw)
	}
}

// topSession decodes a top-level object that is not a page as a session.
func (j *jsonReader) topSession(off int64, tooLong bool) error {
	if tooLong {
		j.n++
		return j.skip(inputerr.New(j.name, j.n, off, fmt.Errorf("session: %w: more than %d bytes", jsonstream.ErrTooLong, maxSession)))
	}
	return j.session(j.members.Bytes(), off)
}

// array reads an array whose elements elem decodes.
func (j *jsonReader) array(elem func(raw []byte, off int64) error) error {
	if err := j.sc.Expect('['); err != nil {
		return j.broken(j.sc.Offset(), j.endErr(err))
	}
	for i := 0; ; i++ {
		c, err := j.sc.Peek()
		off := j.sc.Offset()
		switch {
		case err != nil:
			return j.broken(off, j.endErr(err))
		case c == ']' && i == 0:
			j.sc.Consume()
			return nil
		}
		if i%4096 == 4095 {
			if err := j.ctx.Err(); err != nil {
				return fmt.Errorf("load %s: %w", j.name, context.Cause(j.ctx))
			}
		}
		raw, err := j.sc.Value(',', ']')
		switch {
		case errors.Is(err, jsonstream.ErrTooLong):
			j.n++
			if err := j.skip(inputerr.New(j.name, j.n, off, fmt.Errorf("session: %w", err))); err != nil {
				return err
			}
		case errors.Is(err, io.ErrUnexpectedEOF) && jsonstream.Whole(raw):
			if err := elem(raw, off); err != nil {
				return err
			}
			return j.broken(j.sc.Offset(), inputerr.ErrTruncated)
		case err != nil:
			j.n++
			return j.brokenRecord(j.n, off, j.endErr(err))
		default:
			if err := elem(raw, off); err != nil {
				return err
			}
		}
		c, _ = j.sc.Peek() // Value stops only at ',' or ']'
		j.sc.Consume()
		if c == ']' {
			return nil
		}
	}
}

// session decodes one session object.
func (j *jsonReader) session(raw []byte, off int64) error {
	j.n++
	var s jsonSession
	if err := json.Unmarshal(raw, &s); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field == "":
			err = fmt.Errorf("want a session object, found JSON %s", te.Value)
		case errors.As(err, &te):
			err = fmt.Errorf("%s: found JSON %s", te.Field, te.Value)
		}
		return j.skip(inputerr.New(j.name, j.n, off, fmt.Errorf("session: %w", err)))
	}
	out, err := s.records(j.out)
	if err != nil {
		return j.skip(inputerr.New(j.name, j.n, off, fmt.Errorf("session: %w", err)))
	}
	j.out = out
	return nil
}

// skip hands a damaged session to the Log: nil to go on, else the error.
func (j *jsonReader) skip(e *inputerr.Error) error { return j.damaged.Skip(e) }

// broken reports damage to the structure, after which nothing more can be
// read: the error, or with a lenient Log errEnd.
func (j *jsonReader) broken(off int64, err error) error {
	return j.brokenRecord(j.n+1, off, err)
}

// brokenRecord is broken for a given record number.
func (j *jsonReader) brokenRecord(n, off int64, err error) error {
	if err := j.damaged.Skip(inputerr.New(j.name, n, off, err)); err != nil {
		return err
	}
	return errEnd
}

// endErr names the end of the input inside a value as truncation.
func (j *jsonReader) endErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return inputerr.ErrTruncated
	}
	return err
}

// SniffJSON reports whether head, the start of a JSON file, holds Spoofer
// data API sessions: a collection page of sessions, or session objects.
func SniffJSON(head []byte) bool {
	if bytes.Contains(head, []byte(`"hydra:member"`)) && bytes.Contains(head, []byte(`/contexts/Session"`)) {
		return true
	}
	spoof := bytes.Contains(head, []byte(`"routedspoof`)) || bytes.Contains(head, []byte(`"privatespoof`))
	asn := bytes.Contains(head, []byte(`"asn4"`)) || bytes.Contains(head, []byte(`"asn6"`))
	return spoof && asn
}

// isJSONStart reports whether c starts a JSON file of sessions.
func isJSONStart(c byte) bool { return c == '{' || c == '[' }
