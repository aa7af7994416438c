package dataset

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/asnames"
	"github.com/observatory-net/observatory/internal/asrel"
	"github.com/observatory-net/observatory/internal/bogon"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/peeringdb"
	"github.com/observatory-net/observatory/internal/rdap"
	"github.com/observatory-net/observatory/internal/rir"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/spoofer"
)

// File is an input file and what it holds.
type File struct {
	Path string
	Kind Kind
	// Size is the file's size when it was found; once the file is loaded
	// (Set.Files, ingest for MRT), the number of bytes read.
	Size int64
	// Date is when the data was taken: for a reference file, from its
	// content when it says (a delegated file's end date, an rpki-client
	// build time, a bogon list's update time), else as for every file from
	// its name or directory (a YYYYMMDD date or a unix timestamp, as
	// RouteViews, RIS, CAIDA and rpki-client archives name files; for a
	// reference file a year alone, as its first day); zero when unknown.
	Date time.Time
	// Group is what Select chooses a snapshot within, inside a kind: the
	// registry of delegated statistics ("apnic"; AllGroups for the NRO's
	// combined file), the source of an IRR database ("RIPE"), the address
	// family of a bogon list ("ipv4"); empty for kinds of one group.
	Group string
	// Pinned marks a file named with a kind flag (Explicit): always used.
	Pinned bool
	// Exclude lists, for a combined delegated file (Group AllGroups), the
	// registries whose records are not read: Select chose a nearer
	// snapshot of them.
	Exclude []string
	// Target is the file's real path when Path goes through a symbolic
	// link (the file itself, a directory above it, or the data directory
	// is a link); empty otherwise.
	Target string
	// SHA256 is the hex SHA-256 of the bytes read, set once the file is
	// loaded.
	SHA256 string
	// Problem says why a file of KindUnknown was not read: its content is
	// not recognised, it cannot be decompressed, or it is a dangling link.
	Problem string
}

// Discover walks dir to any depth and sniffs every regular file. Hidden
// files and directories (".git") are skipped. Symbolic links are followed,
// to files and to directories, and each file found through one records
// its real path (File.Target); a directory reached twice is walked once.
// A link that leads back to a directory being walked (a loop) is an error;
// a dangling link is listed as a file of KindUnknown with its Problem.
func Discover(ctx context.Context, dir string) ([]File, error) {
	d := &discoverer{ctx: ctx, seen: map[string]bool{}}
	if err := d.walk(dir); err != nil {
		return nil, fmt.Errorf("discover %s: %w", dir, err)
	}
	return d.out, nil
}

// discoverer is the state of one Discover.
type discoverer struct {
	ctx   context.Context
	seen  map[string]bool // real directories walked
	stack []string        // real directories on the way to the one walked, outermost first
	out   []File
}

// walk walks the directory shown as dir. Paths keep dir's spelling; the
// walk itself goes through the real directory, as WalkDir does not follow
// a root that is a link.
func (d *discoverer) walk(dir string) error {
	real, err := realPath(dir)
	if err != nil {
		return err
	}
	if d.seen[real] {
		return nil
	}
	d.seen[real] = true
	d.stack = append(d.stack, real)
	defer func() { d.stack = d.stack[:len(d.stack)-1] }()
	return filepath.WalkDir(real, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		shown := filepath.Join(dir, strings.TrimPrefix(p, real))
		if p != real && e.Name()[0] == '.' {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if err := d.ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() && p != real {
			d.seen[p] = true
		}
		if e.Type()&fs.ModeSymlink != 0 {
			return d.link(shown, filepath.Dir(p))
		}
		if !e.Type().IsRegular() {
			return nil
		}
		return d.identify(shown)
	})
}

// link follows a symbolic link, found in the real directory parent, to a
// file or a directory.
func (d *discoverer) link(shown, parent string) error {
	st, err := os.Stat(shown)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		target, _ := os.Readlink(shown)
		d.out = append(d.out, File{Path: shown, Kind: KindUnknown, Problem: "dangling symbolic link to " + target})
		return nil
	case err != nil:
		return fmt.Errorf("follow the symbolic link %s: %w", shown, err)
	case st.IsDir():
		real, err := realPath(shown)
		if err != nil {
			return err
		}
		// The directories on the way here, links followed included: a
		// link to one of them or to a directory above one is a loop.
		d.stack = append(d.stack, parent)
		defer func() { d.stack = d.stack[:len(d.stack)-1] }()
		for _, walking := range d.stack {
			if walking == real || strings.HasPrefix(walking, real+string(filepath.Separator)) {
				return fmt.Errorf("symbolic link loop: %s leads to %s, which contains it", shown, real)
			}
		}
		return d.walk(shown)
	case st.Mode().IsRegular():
		return d.identify(shown)
	}
	return nil
}

func (d *discoverer) identify(path string) error {
	f, err := Identify(d.ctx, path)
	if err != nil {
		return err
	}
	d.out = append(d.out, f)
	return nil
}

// realPath is the absolute path of p with every symbolic link resolved.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// Identify sniffs one file. A file whose content cannot be decompressed is
// of KindUnknown, with the reason in its Problem; only a file that cannot
// be opened is an error.
func Identify(ctx context.Context, path string) (File, error) {
	f := File{Path: path, Kind: KindUnknown, Date: NameDate(path)}
	if abs, err := filepath.Abs(path); err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
			f.Target = real
		}
	}
	if st, err := fileSize(path); err == nil {
		f.Size = st
	}
	r, err := decompress.Open(path)
	if isOpenError(err) {
		return File{}, err
	}
	if err != nil {
		f.Problem = err.Error()
		return f, nil
	}
	defer r.Close()
	head, err := io.ReadAll(io.LimitReader(r, headSize))
	if err != nil {
		// A corrupt compressed file is still a file of unknown kind.
		f.Problem = fmt.Sprintf("cannot be decompressed: %v", err)
		return f, nil
	}
	if f.Kind = Sniff(ctx, head); f.Kind == KindUnknown {
		f.Problem = "content not recognised"
	}
	f.describe(head)
	return f, nil
}

// isOpenError reports an error of opening a file, as opposed to reading
// its content.
func isOpenError(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Op == "open"
}

// Set is the reference data of one ingest, built once and read by many
// goroutines; every field is immutable once Load returns.
type Set struct {
	RPKI      *rpki.Snapshot
	IRR       *irr.Index
	ASRel     *asrel.Graph
	RIR       *rir.Index
	Delegated []*rir.File
	Bogons    *bogon.Set
	PeeringDB *peeringdb.DB
	Spoofer   []spoofer.Record
	// RDAP holds the registry contacts of ARIN and LACNIC ASNs, read from
	// cached RDAP answers (§13.3; the RPSL registries' contacts are in
	// IRR, see irr.Index.Coordination).
	RDAP    *rdap.Set
	Names   *asnames.Table // holder names and countries
	MRT     []File
	Unknown []File
	// Files lists the reference files loaded (every kind but MRT), with
	// the size and SHA-256 of the bytes read.
	Files []File
	// NotUsed lists the reference files Select left out (snapshots
	// farther from the month than another of their kind), with why.
	NotUsed []NotUsed
	// Loaded counts the files loaded per kind.
	Loaded map[Kind]int
	// Warnings lists what Load left aside besides damaged records (which
	// go to Options.Damaged): the files it could not recognise.
	Warnings []string
}

// Options tune Load.
type Options struct {
	// Month, when set, is the first instant of the month computed: of
	// each kind of reference data only the snapshot nearest to it is read
	// (Select); the others are listed in Set.NotUsed. Zero reads every
	// file, but still one AS relationship graph, the latest: relationships
	// of different years must not mix.
	Month time.Time
	// Damaged receives the damaged records of every file (see
	// inputerr.Log): skipped and reported, or with a strict Log the first
	// one fails the Load. Nil is strict.
	Damaged *inputerr.Log
	Log     *slog.Logger
}

// loader holds what Load gathers before it builds the indexes.
type loader struct {
	ctx     context.Context
	damaged *inputerr.Log
	s       *Set
	vrps    []rpki.VRP
	aspas   []rpki.ASPA
	irrB    irr.Builder
	pdbB    peeringdb.Builder
	bogB    bogon.Builder
	ianaV4  []rir.IANABlock
}

// Load reads every non-MRT file into a Set. Errors name the file. A
// damaged record is the Log's (Options.Damaged); a file that cannot be
// opened, or a cancelled ctx, fails the Load.
func Load(ctx context.Context, files []File, opt Options) (*Set, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &loader{ctx: ctx, damaged: opt.Damaged, s: &Set{Loaded: map[Kind]int{}, Names: &asnames.Table{}, RDAP: &rdap.Set{}}}
	s := l.s
	files, s.NotUsed = Select(files, opt.Month)
	sortNotUsed(s.NotUsed)
	var asrelFs []File
	for _, f := range files {
		switch f.Kind {
		case KindMRT:
			s.MRT = append(s.MRT, f)
			continue
		case KindASRel:
			asrelFs = append(asrelFs, f)
			continue
		case KindVRP, KindIRR, KindDelegated, KindIANAv4, KindBogons, KindPeeringDB, KindASNames, KindSpoofer, KindRDAP:
		default:
			s.Unknown = append(s.Unknown, f)
			continue
		}
		start := time.Now()
		if err := l.file(&f); err != nil {
			return nil, fmt.Errorf("load %s %s: %w", f.Kind, f.Path, err)
		}
		log.Debug("loaded", "file", f.Path, "kind", f.Kind, "elapsed", time.Since(start))
	}
	if err := l.asRel(asrelFs); err != nil {
		return nil, err
	}
	var err error
	if s.RPKI, err = rpki.NewSnapshot(l.vrps, l.aspas); err != nil {
		return nil, fmt.Errorf("index VRPs: %w", err)
	}
	s.IRR, s.PeeringDB = l.irrB.Build(), l.pdbB.Build()
	s.RIR = rir.NewIndex(s.Delegated...)
	for _, f := range s.Delegated {
		l.bogB.AddDelegated(f)
	}
	l.bogB.AddIANAv4(l.ianaV4)
	s.Bogons = l.bogB.Build()
	if w := unknownWarning(s.Unknown); w != "" {
		s.Warnings = append(s.Warnings, w)
	}
	return s, nil
}

// file loads one reference file, hashing its bytes as they are read, and
// lists it in the Set.
func (l *loader) file(f *File) error {
	err := withFile(f, func(r io.Reader) error { return l.read(f, r) })
	// Damage the reader could not step over (a file that does not start
	// as its kind must, a stream that fails) is the file's last damaged
	// record: what was read before it is kept.
	if err = l.damaged.SkipErr(err); err != nil {
		return err
	}
	l.s.Loaded[f.Kind]++
	l.s.Files = append(l.s.Files, *f)
	return nil
}

// read decodes one reference file with the reader of its kind.
func (l *loader) read(f *File, r io.Reader) error {
	ctx, s, path := l.ctx, l.s, f.Path
	switch f.Kind {
	case KindVRP:
		d, err := rpki.Loader{Damaged: l.damaged}.Read(ctx, r, path)
		if err == nil {
			l.vrps, l.aspas = append(l.vrps, d.VRPs...), append(l.aspas, d.ASPAs...)
		}
		return err
	case KindIRR:
		_, err := l.irrB.Load(ctx, r, irr.Options{File: path, Damaged: l.damaged})
		return err
	case KindDelegated:
		rf, err := rir.Load(ctx, r, path, rir.Options{Damaged: l.damaged})
		if err == nil {
			if len(f.Exclude) > 0 {
				rf.Records = slices.DeleteFunc(rf.Records, func(r rir.Record) bool {
					return slices.Contains(f.Exclude, strings.ToLower(r.Registry))
				})
			}
			s.Delegated = append(s.Delegated, rf)
		}
		return err
	case KindIANAv4:
		b, err := rir.ReadIANAv4(r, path, l.damaged)
		l.ianaV4 = append(l.ianaV4, b...)
		return err
	case KindBogons:
		_, err := l.bogB.AddList(ctx, r, path, "Team Cymru fullbogons", l.damaged)
		return err
	case KindPeeringDB:
		_, err := l.pdbB.Load(ctx, r, path, "", l.damaged)
		return err
	case KindASNames:
		return s.Names.Load(r, path, l.damaged)
	case KindSpoofer:
		recs, err := spoofer.Load(ctx, r, path, l.damaged)
		s.Spoofer = append(s.Spoofer, recs...)
		return err
	case KindRDAP:
		a, err := rdap.Parse(r, path)
		if err == nil {
			s.RDAP.Add(a, path)
		}
		return err
	}
	return nil
}

// asRel loads the one AS relationship file that applies: the latest by
// name of those Select kept (one but when several are pinned or no month
// is given).
func (l *loader) asRel(files []File) error {
	if len(files) == 0 {
		return nil
	}
	slices.SortFunc(files, func(a, b File) int { return compareBase(a.Path, b.Path) })
	pick := files[len(files)-1]
	for _, f := range files[:len(files)-1] {
		l.s.NotUsed = append(l.s.NotUsed, NotUsed{File: f, Reason: "one AS relationship graph is used: " + pick.Path})
	}
	var g *asrel.Graph
	err := withFile(&pick, func(r io.Reader) error {
		var err error
		g, err = asrel.Load(l.ctx, r, pick.Path, l.damaged)
		return err
	})
	if err = l.damaged.SkipErr(err); err != nil {
		return fmt.Errorf("load as-rel %s: %w", pick.Path, err)
	}
	if g != nil {
		l.s.ASRel = g
		l.s.Loaded[KindASRel]++
		l.s.Files = append(l.s.Files, pick)
	}
	return nil
}

// maxNamed is how many unrecognised files unknownWarning names.
const maxNamed = 5

// unknownWarning is the one warning line for the files not read: how
// many, and the first few with why.
func unknownWarning(files []File) string {
	if len(files) == 0 {
		return ""
	}
	var b strings.Builder
	if len(files) == 1 {
		b.WriteString("1 file not recognised, not read: ")
	} else {
		fmt.Fprintf(&b, "%d files not recognised, not read: ", len(files))
	}
	for i, f := range files[:min(len(files), maxNamed)] {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s (%s)", f.Path, cmp.Or(f.Problem, "content not recognised"))
	}
	if len(files) > maxNamed {
		fmt.Fprintf(&b, "; and %d more", len(files)-maxNamed)
	}
	return b.String()
}

func compareBase(a, b string) int { return strings.Compare(filepath.Base(a), filepath.Base(b)) }

var reNameDate = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{6}|1[0-9]{9})(?:[^0-9]|$)`)

// NameDate finds the date in a file name, its directory or (YYYYMMDD only)
// the directory above: a YYYYMMDD
// date ("20140101.as-rel.txt", "bview.20020722.2337.gz") or a unix
// timestamp ("ribs.1401487200.bz2"). It returns the zero time when none is
// found.
func NameDate(path string) time.Time {
	dir := filepath.Dir(path)
	for i, part := range []string{filepath.Base(path), filepath.Base(dir), filepath.Base(filepath.Dir(dir))} {
		m := reNameDate.FindStringSubmatch(part)
		if m == nil {
			continue
		}
		if len(m[1]) == 10 {
			if i == 2 {
				// Two levels up only a YYYYMMDD directory counts (a dated
				// snapshot: peeringdb/20260416/prod-anon/net-page-1.json):
				// ten digits there are more often a temporary name.
				continue
			}
			var sec int64
			fmt.Sscan(m[1], &sec)
			return time.Unix(sec, 0).UTC()
		}
		if t, err := time.Parse("20060102", m[1]); err == nil && t.Year() >= 1990 {
			return t
		}
	}
	return time.Time{}
}

// withFile opens a file, decompressing it if needed, hands its content to
// f, and records in file the size and SHA-256 of its bytes. A file that
// opens but cannot be decompressed is a damaged record of its own.
func withFile(file *File, f func(io.Reader) error) error {
	r, err := decompress.OpenFile(file.Path, decompress.Options{Digest: true})
	if isOpenError(err) {
		return err
	}
	if err != nil {
		return inputerr.New(file.Path, 1, 0, err)
	}
	err = f(r)
	if cerr := r.Close(); err == nil && cerr != nil && !errors.Is(cerr, io.EOF) {
		err = inputerr.New(file.Path, 0, 0, cerr)
	}
	file.Size, file.SHA256 = r.Sum()
	return err
}
