package dataset

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/testenv"
)

// FuzzSniff feeds arbitrary heads to Sniff, which trial-parses them with
// several readers (RPSL, VRP CSV, Spoofer CSV, PeeringDB JSON), and to
// describe, which reads a snapshot's date and group from them. They must
// never panic and Sniff must always name a kind.
func FuzzSniff(f *testing.F) {
	root := testenv.SharedData(f)
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		r, err := decompress.Open(p)
		if err != nil {
			return nil
		}
		head, _ := io.ReadAll(io.LimitReader(r, 4<<10))
		r.Close()
		f.Add(head)
		return nil
	})
	f.Fuzz(func(t *testing.T, head []byte) {
		k := Sniff(context.Background(), head)
		switch k {
		case KindMRT, KindVRP, KindIRR, KindASRel, KindDelegated, KindIANAv4, KindBogons, KindPeeringDB, KindSpoofer, KindASNames, KindUnknown:
		default:
			t.Fatalf("Sniff returned %q", k)
		}
		// The snapshot date and group of every kind Select chooses
		// among are read from the same head.
		for kind := range selectKinds {
			f := File{Path: "rir-delegated/2014/x", Kind: kind}
			f.describe(head)
			if kind == KindDelegated && f.Date.IsZero() {
				t.Fatalf("delegated head without a date, and the directory's year not taken")
			}
		}
	})
}
