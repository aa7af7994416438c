package decompress

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

func TestNewReader_DetectsByContent(t *testing.T) {
	payload := []byte("TABLE_DUMP2 payload\n")
	var gz, zs bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(payload)
	gw.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write(payload)
	zw.Close()
	var xs bytes.Buffer
	xw, _ := xz.NewWriter(&xs)
	xw.Write(payload)
	xw.Close()
	// A tiny bzip2 stream of "hi\n" made with bzip2(1).
	bz := []byte{0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0x1d, 0x5e,
		0x59, 0xd5, 0x00, 0x00, 0x00, 0xc1, 0x00, 0x00, 0x10, 0x00, 0x60, 0x20,
		0x00, 0x21, 0x98, 0x19, 0x84, 0x61, 0x77, 0x24, 0x53, 0x85, 0x09, 0x01,
		0xd5, 0xe5, 0x9d, 0x50}
	tests := []struct {
		name string
		in   []byte
		want Format
		out  []byte
	}{
		{"plain", payload, Plain, payload},
		{"gzip", gz.Bytes(), Gzip, payload},
		{"zstd", zs.Bytes(), Zstd, payload},
		{"xz", xs.Bytes(), XZ, payload},
		{"bzip2", bz, Bzip2, []byte("hi\n")},
		{"empty", nil, Plain, nil},
		{"short", []byte{0x1f}, Plain, []byte{0x1f}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Format != tc.want {
				t.Errorf("Format = %s, want %s", r.Format, tc.want)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.out) {
				t.Errorf("content = %q, want %q", got, tc.out)
			}
		})
	}
}

func TestNewReader_CorruptGzipHeader(t *testing.T) {
	if _, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0x00})); err == nil {
		t.Fatal("want error for a truncated gzip header")
	}
}

// TestBzip2_ExternalMatchesGo checks that the external decompressor and the
// pure-Go one give the same bytes for a real file, and both fail on a
// truncated one.
func TestBzip2_ExternalMatchesGo(t *testing.T) {
	path := testenv.File(t, "mrt/updates/routeviews.updates.20260222.1530.bz2")
	read := func(mode string, in []byte) ([]byte, error) {
		t.Setenv("OBSERVATORY_BZIP2", mode)
		r, err := NewReader(bytes.NewReader(in))
		if err != nil {
			return nil, err
		}
		defer r.Close()
		return io.ReadAll(r)
	}
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ext, err1 := read("", in)
	gol, err2 := read("go", in)
	if err1 != nil || err2 != nil {
		t.Fatalf("external: %v, go: %v", err1, err2)
	}
	if !bytes.Equal(ext, gol) || len(ext) != 6526793 {
		t.Fatalf("external %d bytes, go %d bytes, want 6526793 and equal", len(ext), len(gol))
	}
	for _, mode := range []string{"", "go"} {
		if _, err := read(mode, in[:len(in)/2]); err == nil {
			t.Errorf("mode %q: truncated bzip2 read without error", mode)
		}
	}
}

func TestReadahead_CloseEarly(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 5*chunkSize+7)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(big)
	w.Close()
	r, err := NewReader(bytes.NewReader(gz.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r2, _ := NewReader(bytes.NewReader(gz.Bytes()))
	got, err := io.ReadAll(r2)
	r2.Close()
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("read %d bytes (err %v), want %d", len(got), err, len(big))
	}
}

// TestOpenFile_Digest checks that the digest covers the whole file, the
// bytes after the end of a gzip stream included, whether the reader read
// all, part or none of the content.
func TestOpenFile_Digest(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte("observatory "), 100000))
	zw.Close()
	file := append(gz.Bytes(), "trailing bytes"...)
	path := filepath.Join(t.TempDir(), "x.gz")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(file)
	want := hex.EncodeToString(sum[:])
	for _, read := range []int64{0, 10, 1 << 30} {
		r, err := OpenFile(path, Options{Digest: true})
		if err != nil {
			t.Fatal(err)
		}
		io.CopyN(io.Discard, r, read)
		r.Close()
		if n, got := r.Sum(); n != int64(len(file)) || got != want {
			t.Errorf("read %d bytes: Sum() = %d, %s; want %d, %s", read, n, got, len(file), want)
		}
	}
	r, _ := Open(path)
	r.Close()
	if n, s := r.Sum(); n != 0 || s != "" {
		t.Errorf("Sum() without Digest = %d, %q", n, s)
	}
}
