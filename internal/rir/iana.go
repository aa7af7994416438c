package rir

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/textline"
)

// IANABlock is one /8 of the IANA IPv4 Address Space Registry
// (https://www.iana.org/assignments/ipv4-address-space), read from its
// plain-text form.
type IANABlock struct {
	Prefix      netip.Prefix // the /8
	Designation string       // "APNIC", "Administered by ARIN", "Multicast", ...
	Date        string       // "YYYY-MM"
	Whois       string       // "whois.apnic.net", or empty
	Status      string       // "ALLOCATED", "LEGACY", "RESERVED" or "UNALLOCATED"
}

// ianaStatuses are the status words of the registry.
var ianaStatuses = map[string]bool{"ALLOCATED": true, "LEGACY": true, "RESERVED": true, "UNALLOCATED": true}

// ReadIANAv4 reads the plain-text IANA IPv4 Address Space Registry and
// returns its /8 rows in file order. Lines that do not start with an
// "NNN/8" prefix (titles, descriptions, footnotes) are ignored; a row
// without a date or a status is a damaged record, and so is a read error
// (which ends the file): they go to damaged (see inputerr.Log), skipped,
// or with a strict or nil Log the first one is the error.
func ReadIANAv4(r io.Reader, name string, damaged *inputerr.Log) ([]IANABlock, error) {
	lr := textline.NewReader(r)
	var out []IANABlock
	for {
		b, err := lr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			if err := damaged.SkipErr(lr.Locate(name, err)); err != nil {
				return nil, err
			}
			return out, nil
		}
		blk, ok, err := parseIANARow(b)
		if err != nil {
			if err := damaged.Skip(inputerr.New(name, lr.Line(), lr.Offset(), err)); err != nil {
				return nil, err
			}
			continue
		}
		if ok {
			out = append(out, blk)
		}
	}
}

// parseIANARow decodes "   001/8  APNIC  2010-01  whois.apnic.net  ALLOCATED  [4]".
func parseIANARow(line []byte) (IANABlock, bool, error) {
	tok := strings.Fields(string(bytes.TrimSpace(line)))
	if len(tok) == 0 {
		return IANABlock{}, false, nil
	}
	octet, ok := strings.CutSuffix(tok[0], "/8")
	if !ok || len(octet) != 3 {
		return IANABlock{}, false, nil
	}
	n, err := parseUint([]byte(octet), 8)
	if err != nil {
		return IANABlock{}, false, fmt.Errorf("prefix %q: %w", tok[0], errField)
	}
	blk := IANABlock{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(n)}), 8)}
	date := -1
	for i := 1; i < len(tok); i++ {
		if isYearMonth(tok[i]) {
			date = i
			break
		}
	}
	if date < 0 {
		return IANABlock{}, false, fmt.Errorf("row %s: no YYYY-MM date", tok[0])
	}
	blk.Designation, blk.Date = strings.Join(tok[1:date], " "), tok[date]
	for _, t := range tok[date+1:] {
		switch {
		case ianaStatuses[t]:
			blk.Status = t
		case strings.HasPrefix(t, "whois."):
			blk.Whois = t
		}
	}
	if blk.Status == "" {
		return IANABlock{}, false, fmt.Errorf("row %s: no status", tok[0])
	}
	return blk, true, nil
}

// isYearMonth reports whether s is "YYYY-MM".
func isYearMonth(s string) bool {
	if len(s) != 7 || s[4] != '-' {
		return false
	}
	_, err1 := parseUint([]byte(s[:4]), 16)
	_, err2 := parseUint([]byte(s[5:]), 8)
	return err1 == nil && err2 == nil
}
