// Package decompress opens routing data files whatever their compression,
// recognised by magic bytes rather than by file name: gzip (RFC 1952),
// bzip2, zstd (RFC 8878), xz (the RIPE NCC RPKI archive) or plain. Collectors and mirrors are not consistent
// about extensions, and bgpdump's reliance on them silently yields nothing
// for a misnamed file; we look at the content instead.
package decompress

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Format names a compression format.
type Format string

// The formats Detect recognises.
const (
	Plain Format = "plain"
	Gzip  Format = "gzip"
	Bzip2 Format = "bzip2"
	Zstd  Format = "zstd"
	XZ    Format = "xz"
)

var (
	magicGzip  = []byte{0x1f, 0x8b}
	magicBzip2 = []byte("BZh")
	magicZstd  = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicXZ    = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
)

// Detect returns the format announced by the first bytes of a stream.
func Detect(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, magicGzip):
		return Gzip
	case len(head) >= 4 && bytes.HasPrefix(head, magicBzip2) && head[3] >= '1' && head[3] <= '9':
		return Bzip2
	case bytes.HasPrefix(head, magicZstd):
		return Zstd
	case bytes.HasPrefix(head, magicXZ):
		return XZ
	}
	return Plain
}

// Reader is a decompressing reader that remembers the detected format.
type Reader struct {
	io.Reader
	Format Format
	close  []func() error
	digest *digest // OpenFile with Options.Digest
}

// Close releases the decompressor and, for Open, the file.
func (r *Reader) Close() error {
	var first error
	for _, c := range r.close {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Sum returns the size and the SHA-256 (hex) of the file's bytes, for a
// Reader of OpenFile with Options.Digest, once it is closed: the bytes the
// decompressor read, and those it left after the end of its stream, which
// Close reads on into the digest. It returns 0 and "" otherwise.
func (r *Reader) Sum() (size int64, sha256 string) {
	if r.digest == nil {
		return 0, ""
	}
	return r.digest.n, hex.EncodeToString(r.digest.h.Sum(nil))
}

// ahead reads the decompressor through a read-ahead goroutine.
func (r *Reader) ahead(dec io.Reader, closeDec func() error) {
	ra := newReadahead(dec)
	r.Reader, r.close = ra, []func() error{ra.Close}
	if closeDec != nil {
		r.close = append(r.close, closeDec)
	}
}

// NewReader wraps r with the decompressor its first bytes call for.
// Concatenated gzip members are read as one stream, as gzip(1) does.
// Decompression runs ahead of the reader in another goroutine (or, for
// bzip2, in lbzip2 or bzip2 when installed), so Close the Reader.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, err := br.Peek(len(magicXZ))
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("read magic bytes: %w", err)
	}
	out := &Reader{Format: Detect(head)}
	switch out.Format {
	case Gzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("open gzip stream: %w", err)
		}
		out.ahead(zr, zr.Close)
	case Bzip2:
		if p, ok := startExternal(br); ok {
			out.Reader, out.close = p, []func() error{p.Close}
			break
		}
		out.ahead(bzip2.NewReader(br), nil)
	case Zstd:
		zr, err := zstd.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("open zstd stream: %w", err)
		}
		out.ahead(zr, func() error { zr.Close(); return nil })
	case XZ:
		// The RIPE NCC RPKI archive publishes only xz (output.json.xz,
		// roas.csv.xz); it is read once per month, so speed hardly matters.
		zr, err := xz.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("open xz stream: %w", err)
		}
		out.ahead(zr, nil)
	default:
		out.Reader = br
	}
	return out, nil
}

// Open opens a file and returns its decompressed content.
func Open(path string) (*Reader, error) { return OpenFile(path, Options{}) }

// OpenProgress is Open that reports, when progress is not nil, each
// amount of compressed bytes read from the file, as it is read.
func OpenProgress(path string, progress func(n int64)) (*Reader, error) {
	return OpenFile(path, Options{Progress: progress})
}

// Options tune OpenFile.
type Options struct {
	// Progress, when not nil, receives each amount of compressed bytes
	// read from the file, as it is read.
	Progress func(n int64)
	// Digest hashes the file's bytes as they are read, for Reader.Sum:
	// what a month records of its inputs comes from the one read that
	// decodes them, not from a second pass over the file.
	Digest bool
}

// OpenFile opens a file and returns its decompressed content.
func OpenFile(path string, opt Options) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // an *fs.PathError whose Op is "open"
	}
	var src io.Reader = f
	var d *digest
	if opt.Digest {
		d = &digest{r: f, h: sha256.New()}
		src = d
	}
	if opt.Progress != nil {
		src = &countingReader{r: src, add: opt.Progress}
	}
	r, err := NewReader(src)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if d != nil {
		// Last before the file is closed, once the decompressor (and its
		// read-ahead goroutine or process) has stopped reading.
		r.close = append(r.close, d.drain)
		r.digest = d
	}
	r.close = append(r.close, f.Close)
	return r, nil
}

// digest counts and hashes the bytes read through it.
type digest struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (d *digest) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	d.n += int64(n)
	return n, err
}

// drain reads the rest of the file into the digest. A read error is not
// Close's: what was read is what the digest describes.
func (d *digest) drain() error {
	_, _ = io.Copy(io.Discard, d)
	return nil
}

// countingReader reports how many bytes pass through it.
type countingReader struct {
	r   io.Reader
	add func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.add(int64(n))
	}
	return n, err
}
