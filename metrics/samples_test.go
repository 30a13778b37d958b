package metrics

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/data"
)

// npyU8 is a version-1.0 uint8 NPY file of the given shape.
func npyU8(shape string, body []byte) []byte {
	dict := "{'descr': '|u1', 'fortran_order': False, 'shape': " + shape + ", }"
	for (10+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	b := append([]byte("\x93NUMPY"), 1, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	return append(append(b, dict...), body...)
}

func TestLoadImageSamples(t *testing.T) {
	dir := t.TempDir()
	// uint8 (2, 28, 28): pixel 0 of image 1 is 255 → +1, the rest 0 → −1.
	u8 := make([]byte, 2*28*28)
	u8[28*28] = 255
	p := filepath.Join(dir, "u8.npy")
	if err := os.WriteFile(p, npyU8("(2, 28, 28)", u8), 0o644); err != nil {
		t.Fatal(err)
	}
	im, err := LoadImageSamples(p)
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 2 || im.C != 1 || im.X[0] != -1 || im.X[28*28] != 1 {
		t.Fatalf("uint8: N %d C %d, x[0] %g, x[784] %g; want 2 images, −1 and +1", im.N, im.C, im.X[0], im.X[28*28])
	}

	// float (3, 1, 28, 28) in [0, 1], with a small overshoot that is clipped.
	f := make([]float32, 3*28*28)
	f[1], f[2] = 0.5, 1.02
	p = filepath.Join(dir, "f.npy")
	if err := data.WriteNPY32(p, []int{3, 1, 28, 28}, f); err != nil {
		t.Fatal(err)
	}
	if im, err = LoadImageSamples(p); err != nil {
		t.Fatal(err)
	}
	if im.N != 3 || im.X[1] != 0 || im.X[2] != 1 {
		t.Fatalf("float: N %d, x[1] %g (want 0), x[2] %g (want 1)", im.N, im.X[1], im.X[2])
	}

	// PNG folder.
	pd := filepath.Join(dir, "png")
	os.Mkdir(pd, 0o755)
	g := image.NewGray(image.Rect(0, 0, 28, 28))
	g.SetGray(3, 0, color.Gray{Y: 255})
	fh, _ := os.Create(filepath.Join(pd, "a.png"))
	png.Encode(fh, g)
	fh.Close()
	if im, err = LoadImageSamples(pd); err != nil {
		t.Fatal(err)
	}
	if im.N != 1 || im.X[3] != 1 || im.X[0] != -1 {
		t.Fatalf("png: N %d, x[3] %g (want 1), x[0] %g (want −1)", im.N, im.X[3], im.X[0])
	}

	bad := []struct {
		name  string
		shape []int
		v     float32
		want  string
	}{
		{"shape.npy", []int{2, 32, 32}, 0, "shape"},
		{"scale.npy", []int{1, 28, 28}, -1, "[0, 1]"},
	}
	for _, c := range bad {
		x := make([]float32, c.shape[0]*c.shape[1]*c.shape[2])
		x[0] = c.v
		p := filepath.Join(dir, c.name)
		if err := data.WriteNPY32(p, c.shape, x); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadImageSamples(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if _, err := LoadImageSamples(filepath.Join(dir, "missing.npy")); err == nil {
		t.Error("missing file: no error")
	}
}
