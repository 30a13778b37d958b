package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func idxBytes(magic uint32, dims []int, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, body...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func put(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadIDX(t *testing.T) {
	dir := t.TempDir()
	// Three 2×3 images with pixel values 0, 51, …, 255 patterns.
	pix := []byte{0, 255, 51, 102, 153, 204, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0}
	imgs := idxBytes(0x803, []int{3, 2, 3}, pix)
	labs := idxBytes(0x801, []int{3}, []byte{7, 0, 9})
	for _, compress := range []bool{false, true} {
		ib, lb := imgs, labs
		if compress {
			ib, lb = gz(ib), gz(lb)
		}
		im, err := LoadIDX(put(t, dir, "i", ib), put(t, dir, "l", lb))
		if err != nil {
			t.Fatalf("gzip=%v: %v", compress, err)
		}
		if im.N != 3 || im.C != 1 || im.H != 2 || im.W != 3 || im.Classes != 10 {
			t.Fatalf("shape %d×%d×%d×%d classes %d", im.N, im.C, im.H, im.W, im.Classes)
		}
		if im.X[0] != -1 || im.X[1] != 1 || math.Abs(float64(im.X[2])-(51/127.5-1)) > 1e-7 {
			t.Fatalf("scaling: %v", im.X[:3])
		}
		if im.Labels[0] != 7 || im.Labels[2] != 9 {
			t.Fatalf("labels %v", im.Labels)
		}
	}
	cases := []struct {
		name       string
		imgs, labs []byte
		want       string
	}{
		{"magic", idxBytes(0x801, []int{3}, pix[:3]), labs, "magic"},
		{"short", imgs[:len(imgs)-1], labs, "truncated"},
		{"shortgz", gz(imgs)[:40], labs, "truncated"},
		{"header", imgs[:9], labs, "truncated"},
		{"extra", append(append([]byte{}, imgs...), 1), labs, "unexpected bytes"},
		{"count", imgs, idxBytes(0x801, []int{2}, []byte{1, 2}), "2 labels"},
	}
	for _, c := range cases {
		_, err := LoadIDX(put(t, dir, c.name+"-i", c.imgs), put(t, dir, c.name+"-l", c.labs))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.want)
		}
	}
	// Damaged gzip payload (checksum no longer matches).
	bad := gz(imgs)
	bad[len(bad)-6] ^= 0xff
	if _, err := LoadIDX(put(t, dir, "crc", bad), ""); err == nil {
		t.Error("gzip with a bad checksum: no error")
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadPNGDir(t *testing.T) {
	dir := t.TempDir()
	// a.png: 4×4, left half red, right half blue, opaque.
	a := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for y := range 4 {
		for x := range 4 {
			c := color.NRGBA{255, 0, 0, 255}
			if x >= 2 {
				c = color.NRGBA{0, 0, 255, 255}
			}
			a.SetNRGBA(x, y, c)
		}
	}
	writePNG(t, filepath.Join(dir, "a.png"), a)
	// b.png: 1×1 fully transparent green, a different size.
	b := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	b.SetNRGBA(0, 0, color.NRGBA{0, 255, 0, 0})
	writePNG(t, filepath.Join(dir, "b.PNG"), b)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o644)

	im, err := LoadPNGDir(dir, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 2 || im.C != 3 || im.H != 2 || im.W != 2 || im.Labels != nil {
		t.Fatalf("shape %d×%d×%d×%d", im.N, im.C, im.H, im.W)
	}
	// a → 2×2: left column pure red (1, −1, −1), right pure blue.
	x := im.Image(0)
	want := []float32{1, -1, 1, -1 /* R */, -1, -1, -1, -1 /* G */, -1, 1, -1, 1 /* B */}
	for i := range want {
		if math.Abs(float64(x[i]-want[i])) > 1e-6 {
			t.Fatalf("a.png resized: %v, want %v", x, want)
		}
	}
	// b is transparent: over white it is white, not green.
	for _, v := range im.Image(1) {
		if v != 1 {
			t.Fatalf("transparent pixel over white: %v", im.Image(1))
		}
	}
	// RGBA keeps the alpha plane (−1 = transparent).
	im4, err := LoadPNGDir(dir, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	if alpha := im4.Image(1)[3*9]; alpha != -1 {
		t.Fatalf("alpha of transparent image %v, want −1", alpha)
	}
	// Grey: red has luma 0.299 → 2·0.299 − 1.
	g, _ := LoadPNGDir(dir, 4, 1)
	if v := g.Image(0)[0]; math.Abs(float64(v)-(2*0.299-1)) > 1e-5 {
		t.Fatalf("grey of red = %v", v)
	}

	if _, err := LoadPNGDir(t.TempDir(), 8, 3); err == nil || !strings.Contains(err.Error(), "no .png files") {
		t.Errorf("empty folder: %v", err)
	}
	put(t, dir, "c.png", []byte("\x89PNG garbage"))
	if _, err := LoadPNGDir(dir, 8, 3); err == nil || !strings.Contains(err.Error(), "c.png") {
		t.Errorf("bad file: %v", err)
	}
	if _, err := LoadPNGDir(dir, 8, 2); err == nil {
		t.Error("2 channels: no error")
	}
}

func TestResamplePlane(t *testing.T) {
	// 4 → 2 averages pairs exactly; 3 → 2 weights the middle pixel half
	// to each side.
	src := []float32{0, 2, 4, 6}
	if got := resamplePlane(src, 1, 4, 1, 2); got[0] != 1 || got[1] != 5 {
		t.Fatalf("4→2: %v", got)
	}
	if got := resamplePlane([]float32{0, 3, 6}, 1, 3, 1, 2); math.Abs(float64(got[0])-1) > 1e-6 || math.Abs(float64(got[1])-5) > 1e-6 {
		t.Fatalf("3→2: %v, want [1 5]", got)
	}
	// Enlarging 2 → 4 repeats each pixel.
	if got := resamplePlane([]float32{1, 3}, 1, 2, 1, 4); got[0] != 1 || got[1] != 1 || got[2] != 3 || got[3] != 3 {
		t.Fatalf("2→4: %v", got)
	}
}

func TestResized(t *testing.T) {
	im := &Images{N: 1, C: 1, H: 2, W: 2, X: []float32{-1, 1, 1, -1}, Labels: []int{3}, Classes: 4}
	r, err := im.Resized(1, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range r.X {
		if math.Abs(float64(v)) > 1e-6 {
			t.Fatalf("mean grey to RGB: %v, want 0s", r.X)
		}
	}
	if r.Labels[0] != 3 || r.Classes != 4 {
		t.Fatal("labels lost")
	}
	if same, _ := im.Resized(2, 1); same != im {
		t.Fatal("no-op resize copied")
	}
}

func TestLoadMNISTReal(t *testing.T) {
	im, err := LoadMNIST("test")
	if err != nil {
		if strings.Contains(err.Error(), "go mod download") {
			t.Skipf("MNIST module not in the module cache: %v", err)
		}
		t.Fatal(err)
	}
	if im.N != 10000 || im.H != 28 || im.W != 28 || im.Classes != 10 {
		t.Fatalf("MNIST test: %d images %d×%d, %d classes", im.N, im.H, im.W, im.Classes)
	}
	// MNIST digits are mostly background: mean pixel ≈ 0.13 in [0, 1].
	s := 0.0
	for _, v := range im.X {
		s += float64(v+1) / 2
	}
	if m := s / float64(len(im.X)); m < 0.1 || m > 0.16 {
		t.Fatalf("mean pixel %v, want ≈ 0.13", m)
	}
	if im.Labels[0] != 7 { // the first test digit is a 7
		t.Fatalf("first label %d, want 7", im.Labels[0])
	}
}

func TestLoadFashionMNISTReal(t *testing.T) {
	im, err := LoadFashionMNIST("test")
	if err != nil {
		if strings.Contains(err.Error(), "apt-get install") {
			t.Skipf("Fashion-MNIST not installed: %v", err)
		}
		t.Fatal(err)
	}
	if im.N != 10000 || im.H != 28 || im.Classes != 10 {
		t.Fatalf("Fashion-MNIST test: %d images %d×%d, %d classes", im.N, im.H, im.W, im.Classes)
	}
	if im.Labels[0] != 9 { // the first test item is an ankle boot
		t.Fatalf("first label %d, want 9", im.Labels[0])
	}
}

func TestLoadMissingDataNamesTheFix(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir())
	if _, err := LoadMNIST("train"); err == nil || !strings.Contains(err.Error(), "go mod download "+GoMNISTModule) {
		t.Fatalf("missing MNIST: %v", err)
	}
	if _, err := LoadImages("mnist:bogus", 0, 0); err == nil {
		t.Fatal("bad split: no error")
	}
}

func TestResizedChannelConversions(t *testing.T) {
	rgb := &Images{N: 1, C: 3, H: 1, W: 2, X: []float32{1, 1, -1, -1, 0, 0}}
	g, err := rgb.Resized(1, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Mean colour (1, −1, 0) → luma 0.299·1 + 0.587·(−1) + 0.114·0.
	if math.Abs(float64(g.X[0])-(0.299-0.587)) > 1e-6 {
		t.Fatalf("RGB → grey: %v", g.X)
	}
	a, _ := rgb.Resized(2, 4)
	// 2×2 planes: R = 1, G = −1, B = 0, A = 1 (opaque), each 4 values.
	if a.X[0] != 1 || a.X[4] != -1 || a.X[8] != 0 || a.X[12] != 1 || a.X[15] != 1 {
		t.Fatalf("RGB → RGBA: %v", a.X)
	}
	// A half-transparent black pixel and a transparent one, over white.
	rgba := &Images{N: 1, C: 4, H: 1, W: 2, X: []float32{-1, -1, -1, -1, -1, -1, 0, -1}}
	w, _ := rgba.Resized(2, 3)
	// Pixel 0: black at alpha 0.5 over white → 0.5 → 0 in [−1, 1]; pixel 1 white.
	if math.Abs(float64(w.X[0])) > 1e-6 || w.X[1] != 1 {
		t.Fatalf("RGBA → RGB over white: %v", w.X)
	}
}

// A PNG whose file name holds a newline is reported on one line (found by
// FuzzLoadPNGDir: the name came back raw inside the error).
func TestLoadPNGDirErrorIsOneLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "\n.png"), []byte("\x89PNG\r\n\x1a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadPNGDir(dir, 4, 1)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), `"`) {
		t.Fatalf("truncated PNG named newline: %q", err)
	}
}
