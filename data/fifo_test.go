//go:build unix

package data

import (
	"image"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFIFOIsRefusedNotWaitedOn: opening a FIFO for reading blocks until a
// writer comes, so a reader that opened it would hang.
func TestFIFOIsRefusedNotWaitedOn(t *testing.T) {
	dir := t.TempDir()
	writePNG(t, filepath.Join(dir, "a.png"), image.NewGray(image.Rect(0, 0, 2, 2)))
	if err := syscall.Mkfifo(filepath.Join(dir, "b.png"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "p.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	go func() { _, err := LoadPNGDir(dir, 2, 1); done <- err }()
	go func() { _, err := ReadPoints(filepath.Join(dir, "p.csv")); done <- err }()
	for range 2 {
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "named pipe") {
				t.Errorf("FIFO: %v, want a 'named pipe' error", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("reading a folder holding a FIFO hangs")
		}
	}
}
