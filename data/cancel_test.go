package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A cancelled context stops a CSV read: Ctrl-C must reach a long load.
func TestReadCSVContextCancelled(t *testing.T) {
	var b strings.Builder
	for i := range 200000 {
		fmt.Fprintf(&b, "%d.5,%d.25,-%d\n", i, i, i)
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, load := range []func() (*Points, error){
		func() (*Points, error) { return ReadCSVContext(ctx, path) },
		func() (*Points, error) { return ReadPointsContext(ctx, path) },
		func() (*Points, error) { return LoadContext(ctx, path, 0, nil) },
	} {
		if p, err := load(); !errors.Is(err, context.Canceled) || p != nil {
			t.Fatalf("cancelled read: %v, %v; want context.Canceled and no points", p, err)
		}
	}
	// The reader fails after the context ends mid-file, too.
	ctx, cancel = context.WithCancel(context.Background())
	r := ctxReader{ctx, strings.NewReader(b.String())}
	buf := make([]byte, 1024)
	if _, err := r.Read(buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := r.Read(buf); !errors.Is(err, context.Canceled) {
		t.Fatalf("read after cancel: %v", err)
	}
	// Not cancelled: the same file reads whole.
	p, err := ReadCSVContext(context.Background(), path)
	if err != nil || p.N() != 200000 || p.Dim != 3 || p.Row(199999)[2] != -199999 {
		t.Fatalf("uncancelled read: %v", err)
	}
}
