package data

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestReadNPYUint8(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u8.npy")
	body := []byte{0, 7, 128, 255, 1, 2}
	if err := os.WriteFile(path, npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", body), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := ReadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.Descr != "|u1" || !slices.Equal(a.Shape, []int{2, 3}) || !slices.Equal(a.Data, []float64{0, 7, 128, 255, 1, 2}) {
		t.Fatalf("got %+v, want |u1 [2 3] [0 7 128 255 1 2]", a)
	}
	if err := os.WriteFile(path, npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 4), }", body), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNPY(path); err == nil {
		t.Fatal("6 bytes for shape (2, 4): no error")
	}
}
