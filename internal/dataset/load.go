package dataset

import (
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
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/peeringdb"
	"github.com/observatory-net/observatory/internal/rir"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/spoofer"
)

// File is an input file and what it holds.
type File struct {
	Path string
	Kind Kind
	Size int64
	// Date is when the data was taken, read from the file name (a
	// YYYYMMDD date or a unix timestamp, as RouteViews, RIS, CAIDA and
	// rpki-client archives name files); zero when unknown.
	Date time.Time
}

// Discover walks dir to any depth and sniffs every regular file. Hidden
// files and directories (".git") are skipped. Symbolic links are followed,
// each real directory once, so link loops end.
func Discover(ctx context.Context, dir string) ([]File, error) {
	var out []File
	if err := discover(ctx, dir, map[string]bool{}, &out); err != nil {
		return nil, fmt.Errorf("discover %s: %w", dir, err)
	}
	return out, nil
}

func discover(ctx context.Context, dir string, seen map[string]bool, out *[]File) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	if seen[real] {
		return nil
	}
	seen[real] = true
	return filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != real && d.Name()[0] == '.' {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() && p != real {
			if r, err := filepath.EvalSymlinks(p); err == nil {
				seen[r] = true
			}
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return discoverLink(ctx, p, seen, out)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		f, err := Identify(ctx, p)
		if err != nil {
			return err
		}
		*out = append(*out, f)
		return nil
	})
}

// discoverLink follows a symbolic link to a file or a directory.
func discoverLink(ctx context.Context, p string, seen map[string]bool, out *[]File) error {
	st, err := os.Stat(p)
	if err != nil {
		return nil // a dangling link is not an input
	}
	if st.IsDir() {
		return discover(ctx, p, seen, out)
	}
	if !st.Mode().IsRegular() {
		return nil
	}
	f, err := Identify(ctx, p)
	if err == nil {
		*out = append(*out, f)
	}
	return err
}

// Identify sniffs one file.
func Identify(ctx context.Context, path string) (File, error) {
	r, err := decompress.Open(path)
	if err != nil {
		return File{}, err
	}
	defer r.Close()
	head, err := io.ReadAll(io.LimitReader(r, headSize))
	if err != nil {
		// A corrupt compressed file is still a file of unknown kind.
		return File{Path: path, Kind: KindUnknown}, nil
	}
	f := File{Path: path, Kind: Sniff(ctx, head), Date: NameDate(path)}
	if st, err := fileSize(path); err == nil {
		f.Size = st
	}
	return f, nil
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
	Names     *asnames.Table // holder names and countries
	MRT       []File
	Unknown   []File
	// Files lists the reference files loaded (every kind but MRT).
	Files []File
	// Loaded counts the files loaded per kind.
	Loaded map[Kind]int
	// Warnings lists what was skipped while loading (bad records of
	// lenient readers), each naming file, record and offset.
	Warnings []string
}

// Options tune Load.
type Options struct {
	// ASRelAt picks, among several AS relationship files, the latest one
	// dated (by its YYYYMMDD name) on or before this time; zero takes the
	// latest of all. Only one graph is used: relationships of different
	// years must not mix.
	ASRelAt time.Time
	Log     *slog.Logger
}

// Load reads every non-MRT file into a Set. Errors name the file.
func Load(ctx context.Context, files []File, opt Options) (*Set, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Set{Loaded: map[Kind]int{}, Names: &asnames.Table{}}
	var (
		vrps    []rpki.VRP
		aspas   []rpki.ASPA
		irrB    irr.Builder
		pdbB    peeringdb.Builder
		bogB    bogon.Builder
		asrelFs []File
		ianaV4  []rir.IANABlock
	)
	for _, f := range files {
		start := time.Now()
		var err error
		switch f.Kind {
		case KindMRT:
			s.MRT = append(s.MRT, f)
			continue
		case KindVRP:
			var d *rpki.Dump
			if d, err = lenientVRPs.Load(ctx, f.Path); err == nil {
				vrps, aspas = append(vrps, d.VRPs...), append(aspas, d.ASPAs...)
				for _, p := range d.Problems {
					s.Warnings = append(s.Warnings, fmt.Sprintf("skipped VRP: %v", p))
				}
				if extra := d.Skipped - len(d.Problems); extra > 0 {
					s.Warnings = append(s.Warnings, fmt.Sprintf("%s: %d more VRPs skipped", f.Path, extra))
				}
			}
		case KindIRR:
			err = withFile(f.Path, func(r io.Reader) error {
				_, err := irrB.Load(ctx, r, irr.Options{File: f.Path})
				return err
			})
		case KindASRel:
			asrelFs = append(asrelFs, f)
		case KindDelegated:
			var rf *rir.File
			if rf, err = rir.LoadFile(ctx, f.Path, rir.Options{SkipMalformed: true}); err == nil {
				s.Delegated = append(s.Delegated, rf)
			}
		case KindIANAv4:
			err = withFile(f.Path, func(r io.Reader) error {
				b, err := rir.ReadIANAv4(r, f.Path)
				ianaV4 = append(ianaV4, b...)
				return err
			})
		case KindBogons:
			err = withFile(f.Path, func(r io.Reader) error {
				_, err := bogB.AddList(ctx, r, f.Path, "Team Cymru fullbogons")
				return err
			})
		case KindPeeringDB:
			_, err = pdbB.LoadFile(ctx, f.Path)
		case KindASNames:
			err = s.Names.LoadFile(f.Path)
		case KindSpoofer:
			var recs []spoofer.Record
			if recs, err = spoofer.LoadFile(ctx, f.Path); err == nil {
				s.Spoofer = append(s.Spoofer, recs...)
			}
		default:
			s.Unknown = append(s.Unknown, f)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("load %s %s: %w", f.Kind, f.Path, err)
		}
		s.Loaded[f.Kind]++
		if f.Kind != KindASRel { // only the one relationship file used is listed, below
			s.Files = append(s.Files, f)
		}
		log.Debug("loaded", "file", f.Path, "kind", f.Kind, "elapsed", time.Since(start))
	}
	g, used, err := loadASRel(ctx, asrelFs, opt.ASRelAt)
	if err != nil {
		return nil, err
	}
	if g != nil {
		s.ASRel = g
		s.Files = append(s.Files, used)
	}
	if s.RPKI, err = rpki.NewSnapshot(vrps, aspas); err != nil {
		return nil, fmt.Errorf("index VRPs: %w", err)
	}
	s.IRR, s.PeeringDB = irrB.Build(), pdbB.Build()
	s.RIR = rir.NewIndex(s.Delegated...)
	for _, f := range s.Delegated {
		bogB.AddDelegated(f)
	}
	bogB.AddIANAv4(ianaV4)
	s.Bogons = bogB.Build()
	return s, nil
}

// loadASRel loads the one AS relationship file that applies.
func loadASRel(ctx context.Context, files []File, at time.Time) (*asrel.Graph, File, error) {
	if len(files) == 0 {
		return nil, File{}, nil
	}
	slices.SortFunc(files, func(a, b File) int { return compareBase(a.Path, b.Path) })
	pick := files[len(files)-1]
	if !at.IsZero() {
		for _, f := range files {
			if d, ok := nameDate(f.Path); ok && !d.After(at) {
				pick = f
			}
		}
	}
	g, err := asrel.LoadFile(ctx, pick.Path)
	if err != nil {
		return nil, File{}, fmt.Errorf("load as-rel %s: %w", pick.Path, err)
	}
	return g, pick, nil
}

func compareBase(a, b string) int { return strings.Compare(filepath.Base(a), filepath.Base(b)) }

// nameDate reads the YYYYMMDD date a CAIDA file name starts with.
func nameDate(path string) (time.Time, bool) {
	base := filepath.Base(path)
	if len(base) < 8 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102", base[:8])
	return t, err == nil
}

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

func withFile(path string, f func(io.Reader) error) error {
	r, err := decompress.Open(path)
	if err != nil {
		return err
	}
	err = f(r)
	if cerr := r.Close(); err == nil && !errors.Is(cerr, io.EOF) {
		err = cerr
	}
	return err
}
