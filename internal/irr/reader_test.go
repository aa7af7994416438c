package irr

import (
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// readAll reads every object of input, continuing after errors.
func readAll(t testing.TB, input string, opts Options) ([]Object, []error, Stats) {
	t.Helper()
	r := NewReader(strings.NewReader(input), opts)
	var objs []Object
	var errs []error
	for {
		obj, err := r.Next()
		if err == io.EOF {
			return objs, errs, r.Stats()
		}
		if err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Next() returned a non-input error: %v", err)
			}
			errs = append(errs, err)
			continue
		}
		objs = append(objs, obj)
	}
}

var cmpPrefix = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

func TestReader_Next(t *testing.T) {
	tests := []struct {
		name  string
		input string
		opts  Options
		want  []Object
	}{
		{
			name: "route with all kept attributes",
			input: "route:          192.0.2.0/24\n" +
				"descr:          example\n" +
				"origin:         AS64500\n" +
				"mnt-by:         example-mnt, OTHER-MNT\n" +
				"source:         ripe\n",
			want: []Object{&Route{
				Header: Header{Source: "RIPE", Record: 1, Offset: 0},
				Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 64500,
				MntBy: []string{"EXAMPLE-MNT", "OTHER-MNT"},
			}},
		},
		{
			name: "CRLF line ends and upper-case attribute names",
			input: "Route6: 2001:DB8::/32\r\nORIGIN: as64501\r\nSource: RADB\r\n\r\n" +
				"route: 198.51.100.0/24\r\norigin: AS64502\r\nsource: RADB\r\n",
			want: []Object{
				&Route{Header: Header{Source: "RADB", Record: 1}, Prefix: netip.MustParsePrefix("2001:db8::/32"), Origin: 64501},
				&Route{Header: Header{Source: "RADB", Record: 2, Offset: 56}, Prefix: netip.MustParsePrefix("198.51.100.0/24"), Origin: 64502},
			},
		},
		{
			name:  "host bits are masked",
			input: "route: 192.0.2.77/24\norigin: AS1\nsource: X\n",
			want:  []Object{&Route{Header: Header{Source: "X", Record: 1}, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 1}},
		},
		{
			name: "continuation lines: space, tab and plus",
			input: "as-set: AS-EXAMPLE\n" +
				"members: AS1, AS2,\n" +
				"         AS3\n" +
				"\tAS-NESTED,AS4:AS-SUB\n" +
				"+AS5\n" +
				"+\n" +
				"mbrs-by-ref: EXAMPLE-MNT\n" +
				"source: TEST\n",
			want: []Object{&ASSet{
				Header:    Header{Source: "TEST", Record: 1},
				Name:      "AS-EXAMPLE",
				ASNs:      []bgp.ASN{1, 2, 3, 5},
				Sets:      []string{"AS-NESTED", "AS4:AS-SUB"},
				MbrsByRef: []string{"EXAMPLE-MNT"},
			}},
		},
		{
			name: "comments: full-line, end-of-line, percent lines and file header",
			input: "# header comment\n#\n% RIPE server comment\n\n" +
				"aut-num: AS64500 # the AS\n" +
				"as-name: EXAMPLE\n" +
				"# a comment inside the object\n" +
				"import: from AS1 # comment\n" +
				"        accept AS1\n" +
				"% percent line inside the object\n" +
				"export: to AS1 announce AS64500\n" +
				"mp-import: afi ipv6.unicast from AS2 accept ANY\n" +
				"mp-export: afi ipv6.unicast to AS2 announce AS64500\n" +
				"member-of: as-example\n" +
				"admin-c: ABC1-RIPE\n" +
				"tech-c: DEF2-RIPE, GHI3-RIPE\n" +
				"mnt-by: EXAMPLE-MNT\n" +
				"source: RIPE # the source\n",
			want: []Object{&AutNum{
				Header:   Header{Source: "RIPE", Record: 1, Offset: 42},
				ASN:      64500,
				ASName:   "EXAMPLE",
				Import:   []string{"from AS1 accept AS1"},
				Export:   []string{"to AS1 announce AS64500"},
				MPImport: []string{"afi ipv6.unicast from AS2 accept ANY"},
				MPExport: []string{"afi ipv6.unicast to AS2 announce AS64500"},
				MemberOf: []string{"AS-EXAMPLE"},
				MntBy:    []string{"EXAMPLE-MNT"},
				AdminC:   []string{"ABC1-RIPE"},
				TechC:    []string{"DEF2-RIPE", "GHI3-RIPE"},
			}},
		},
		{
			name: "several sources, a missing source and the default source",
			opts: Options{DefaultSource: "ripe"},
			input: "route: 192.0.2.0/24\norigin: AS1\nsource: RADB\n\n" +
				"route: 192.0.2.0/24\norigin: AS1\n\n" +
				"route: 192.0.2.0/24\norigin: AS1\nsource: altdb\n",
			want: []Object{
				&Route{Header: Header{Source: "RADB", Record: 1}, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 1},
				&Route{Header: Header{Source: "RIPE", Record: 2, Offset: 46}, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 1},
				&Route{Header: Header{Source: "ALTDB", Record: 3, Offset: 79}, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 1},
			},
		},
		{
			name:  "missing source without default",
			input: "route: 192.0.2.0/24\norigin: AS1\n",
			want:  []Object{&Route{Header: Header{Record: 1}, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 1}},
		},
		{
			name: "other classes are framed and skipped, whitespace lines separate",
			input: "key-cert: PGPKY1\naddress: somewhere\nnic-hdl: JD1-TEST\nsource: TEST\n \t \n" +
				"inetnum: 192.0.2.0 - 192.0.2.255\nnetname: NET\n   continued\n\n\n" +
				"route: 192.0.2.0/24\norigin: AS1\nsource: TEST",
			want: []Object{&Route{Header: Header{Source: "TEST", Record: 3, Offset: 132}, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 1}},
		},
		{
			name: "mntner keeps scheme names only",
			input: "mntner: example-mnt\n" +
				"auth: MD5-PW $1$SaltSalt$DummifiedMD5HashValue.   # Real value hidden for security\n" +
				"auth: PGPKEY-1A2B3C4D\n" +
				"auth: sso someone@example.net\n" +
				"auth: X509-1234\n" +
				"mnt-by: EXAMPLE-MNT\n" +
				"source: RIPE\n",
			want: []Object{&Mntner{
				Header: Header{Source: "RIPE", Record: 1},
				Name:   "EXAMPLE-MNT",
				Auth:   []string{"MD5-PW", "PGPKEY", "SSO", "X509"},
				MntBy:  []string{"EXAMPLE-MNT"},
			}},
		},
		{
			name:  "asdot origin",
			input: "route6: 2001:db8:1::/48\norigin: AS1.10\nsource: TEST\n",
			want:  []Object{&Route{Header: Header{Source: "TEST", Record: 1}, Prefix: netip.MustParsePrefix("2001:db8:1::/48"), Origin: 65546}},
		},
		{
			name:  "empty input",
			input: "",
		},
		{
			name:  "only comments and blank lines",
			input: "%\n#\n\n \n% end\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs, _ := readAll(t, tt.input, tt.opts)
			if len(errs) > 0 {
				t.Fatalf("Next() errors: %v", errs)
			}
			if diff := cmp.Diff(tt.want, got, cmpPrefix, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Next() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReader_Stats(t *testing.T) {
	input := "person: A\nsource: X\n\n" +
		"route: 192.0.2.0/24\norigin: AS1\n\n" +
		"route6: 2001:db8::/32\norigin: AS1\n\n" +
		"aut-num: AS1\n\n" +
		"as-set: AS-X\n\n" +
		"mntner: X-MNT\n\n" +
		"route: bad\norigin: AS1\n"
	_, _, got := readAll(t, input, Options{File: "test.db"})
	want := Stats{Objects: 7, Routes: 1, Routes6: 1, AutNums: 1, ASSets: 1, Mntners: 1, Bad: 1}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Stats{}, "Errors")); diff != "" {
		t.Errorf("Stats() mismatch (-want +got):\n%s", diff)
	}
	if len(got.Errors) != 1 {
		t.Errorf("Stats().Errors = %v, want one error", got.Errors)
	}
}

// goodRoute follows every bad object in TestReader_bad, to check that the
// reader resynchronises after it.
const goodRoute = "route: 203.0.113.0/24\norigin: AS64511\nsource: TEST\n"

func TestReader_bad(t *testing.T) {
	tests := []struct {
		name    string
		bad     string
		opts    Options
		wantErr error  // sentinel cause
		wantMsg string // part of the message
	}{
		{"malformed prefix", "route: 192.0.2.0/33\norigin: AS1\n", Options{}, ErrAttribute, "prefix length out of range"},
		{"not a prefix", "route: junk\norigin: AS1\n", Options{}, ErrAttribute, "route"},
		{"IPv4 prefix in route6", "route6: 192.0.2.0/24\norigin: AS1\n", Options{}, ErrAttribute, "wrong address family"},
		{"IPv6 prefix in route", "route: 2001:db8::/32\norigin: AS1\n", Options{}, ErrAttribute, "wrong address family"},
		{"malformed origin", "route: 192.0.2.0/24\norigin: ASX1\n", Options{}, bgp.ErrBadASN, "origin"},
		{"origin too large", "route: 192.0.2.0/24\norigin: AS4294967296\n", Options{}, ErrAttribute, "origin"},
		{"missing origin", "route: 192.0.2.0/24\nsource: TEST\n", Options{}, ErrAttribute, "without origin"},
		{"empty origin", "route: 192.0.2.0/24\norigin:\n", Options{}, ErrAttribute, "origin"},
		{"repeated origin", "route: 192.0.2.0/24\norigin: AS1\norigin: AS2\n", Options{}, ErrAttribute, "origin repeated"},
		{"repeated source", "route: 192.0.2.0/24\norigin: AS1\nsource: A\nsource: B\n", Options{}, ErrAttribute, "source repeated"},
		{"source of two words", "route: 192.0.2.0/24\norigin: AS1\nsource: A B\n", Options{}, ErrAttribute, "registry name"},
		{"source with non-name bytes", "route: 192.0.2.0/24\norigin: AS1\nsource: RIPE\xff\n", Options{}, ErrAttribute, "registry name"},
		{"line without colon", "route: 192.0.2.0/24\norigin AS1\n", Options{}, ErrSyntax, "no colon"},
		{"continuation first", " route: 192.0.2.0/24\norigin: AS1\n", Options{}, ErrSyntax, "continuation line before any attribute"},
		{"bad attribute name", "route: 192.0.2.0/24\nori gin: AS1\n", Options{}, ErrSyntax, "bad attribute name"},
		{"empty attribute name", "route: 192.0.2.0/24\n: AS1\n", Options{}, ErrSyntax, "bad attribute name"},
		{"bad aut-num", "aut-num: ASfoo\n", Options{}, ErrAttribute, "aut-num"},
		{"as-set name with blanks", "as-set: AS-A AS-B\n", Options{}, ErrAttribute, "as-set name"},
		{"too many bytes", "route: 192.0.2.0/24\norigin: AS1\n" + strings.Repeat("remarks: x\n", 20),
			Options{MaxObjectBytes: 100}, ErrTooLarge, "too large"},
		{"too many lines", "route: 192.0.2.0/24\norigin: AS1\n" + strings.Repeat("remarks: x\n", 20),
			Options{MaxObjectLines: 10}, ErrTooLarge, "too large"},
		{"too many comment lines", "route: 192.0.2.0/24\norigin: AS1\n" + strings.Repeat("# x\n", 20),
			Options{MaxObjectLines: 10}, ErrTooLarge, "too large"},
		{"line longer than the read buffer and the object limit", "route: 192.0.2.0/24\nremarks: " + strings.Repeat("x", 200<<10) + "\n",
			Options{MaxObjectBytes: 100 << 10}, ErrTooLarge, "too large"},
	}
	for _, tt := range tests {
		// The bad object is the second of three, at a known offset.
		prefix := goodRoute + "\n"
		input := prefix + tt.bad + "\n" + goodRoute
		t.Run(tt.name+"/lenient", func(t *testing.T) {
			tt.opts.File = "test.db"
			objs, errs, st := readAll(t, input, tt.opts)
			if len(errs) != 0 || len(objs) != 2 || st.Bad != 1 || len(st.Errors) != 1 {
				t.Fatalf("got %d objects, errors %v, stats %+v; want 2 objects and one counted error", len(objs), errs, st)
			}
			checkInputErr(t, st.Errors[0], int64(len(prefix)), tt.wantErr, tt.wantMsg)
		})
		t.Run(tt.name+"/strict", func(t *testing.T) {
			tt.opts.File = "test.db"
			tt.opts.Strict = true
			objs, errs, st := readAll(t, input, tt.opts)
			if len(errs) != 1 || len(objs) != 2 || st.Bad != 1 || len(st.Errors) != 0 {
				t.Fatalf("got %d objects, errors %v, stats %+v; want 2 objects and one returned error", len(objs), errs, st)
			}
			checkInputErr(t, errs[0], int64(len(prefix)), tt.wantErr, tt.wantMsg)
		})
	}
}

func checkInputErr(t *testing.T, err error, offset int64, sentinel error, msg string) {
	t.Helper()
	var ie *inputerr.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *inputerr.Error", err)
	}
	want := inputerr.Error{File: "test.db", Record: 2, Offset: offset}
	if diff := cmp.Diff(want, *ie, cmpopts.IgnoreFields(inputerr.Error{}, "Err")); diff != "" {
		t.Errorf("error position mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q does not wrap %q", err, sentinel)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("error %q does not mention %q", err, msg)
	}
}

func TestReader_maxErrors(t *testing.T) {
	input := strings.Repeat("route: bad\norigin: AS1\n\n", 10) + goodRoute
	tests := []struct {
		name      string
		maxErrors int
		want      int
	}{
		{"default keeps up to 100", 0, 10},
		{"limit", 3, 3},
		{"none", -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, _, st := readAll(t, input, Options{MaxErrors: tt.maxErrors})
			if len(objs) != 1 || st.Bad != 10 || len(st.Errors) != tt.want {
				t.Errorf("got %d objects, Bad %d, %d errors; want 1, 10, %d", len(objs), st.Bad, len(st.Errors), tt.want)
			}
		})
	}
}

// TestReader_authCleared checks that no password hash is left in the
// reader's attribute buffer once an auth attribute is decoded.
func TestReader_authCleared(t *testing.T) {
	const hash = "$1$SaltSalt$DummifiedMD5HashValue."
	r := NewReader(strings.NewReader("mntner: X-MNT\nauth: MD5-PW "+hash+"\nsource: X\n"), Options{})
	if _, err := r.Next(); err != nil {
		t.Fatalf("Next() error: %v", err)
	}
	if strings.Contains(string(r.obj.val[:cap(r.obj.val)]), hash) {
		t.Errorf("attribute buffer still holds the password hash")
	}
}

// errReader fails after returning its data.
type errReader struct {
	data string
	err  error
}

func (e *errReader) Read(p []byte) (int, error) {
	if e.data == "" {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

func TestReader_readError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(&errReader{data: goodRoute + "\nroute: 192.0.2.0/24\n", err: boom}, Options{File: "x.gz"})
	if _, err := r.Next(); err != nil {
		t.Fatalf("first Next() error: %v", err)
	}
	// A failing stream (a damaged compressed file) is a damaged record
	// where it failed, the object being read lost with it; then the end.
	_, err := r.Next()
	var ie *inputerr.Error
	if !errors.Is(err, boom) || !errors.As(err, &ie) || ie.Record != 2 || ie.Offset != int64(len(goodRoute)+1+20) {
		t.Errorf("Next() error = %v, want the read error located at record 2, byte offset %d", err, len(goodRoute)+1+20)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("Next() after the read error = %v, want io.EOF", err)
	}
}

func TestReader_All(t *testing.T) {
	input := goodRoute + "\nroute: bad\norigin: AS1\n\n" + goodRoute
	tests := []struct {
		name     string
		strict   bool
		wantObjs int
		wantErrs int
	}{
		{"lenient", false, 2, 0},
		{"strict continues after input errors", true, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var objs, errs int
			for obj, err := range NewReader(strings.NewReader(input), Options{Strict: tt.strict}).All() {
				if err != nil {
					errs++
					continue
				}
				if obj == nil {
					t.Fatal("All() yielded a nil object without error")
				}
				objs++
			}
			if objs != tt.wantObjs || errs != tt.wantErrs {
				t.Errorf("All() gave %d objects and %d errors, want %d and %d", objs, errs, tt.wantObjs, tt.wantErrs)
			}
		})
	}
}

func TestObject_Key(t *testing.T) {
	tests := []struct {
		obj  Object
		want string
	}{
		{&Route{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 64500}, "192.0.2.0/24AS64500"},
		{&AutNum{ASN: 3257}, "AS3257"},
		{&ASSet{Name: "AS-X"}, "AS-X"},
		{&Mntner{Name: "X-MNT"}, "X-MNT"},
	}
	for _, tt := range tests {
		if got := tt.obj.Key(); got != tt.want {
			t.Errorf("%T.Key() = %q, want %q", tt.obj, got, tt.want)
		}
	}
}

func TestClass_String(t *testing.T) {
	tests := []struct {
		c    Class
		want string
	}{
		{ClassOther, "other"}, {ClassRoute, "route"}, {ClassRoute6, "route6"},
		{ClassAutNum, "aut-num"}, {ClassASSet, "as-set"}, {ClassMntner, "mntner"}, {Class(200), "other"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Class(%d).String() = %q, want %q", tt.c, got, tt.want)
		}
	}
}
