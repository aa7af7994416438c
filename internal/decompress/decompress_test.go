package decompress

import (
	"bytes"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
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
