package data

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestNPYLyingShapeIsAnError(t *testing.T) {
	for _, tc := range []struct{ shape, want string }{
		{"(4294967296, 4294967296)", "too large"}, // product wraps to 0
		{"(4611686018427387904, 4)", "too large"}, // product overflows
		{"(2305843009213693954,)", "too large"},   // bytes wrap to 16: was a makeslice panic
		{"(1099511627776,)", "truncated"},         // 8 TB claimed, 16 bytes there
		{"(9223372036854775807, 9223372036854775807)", "too large"},
		{"(99999999999999999999,)", "bad NPY shape"}, // beyond int
	} {
		b := npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': "+tc.shape+", }", make([]byte, 16))
		var err error
		if n := allocated(func() { _, err = parseNPY(b) }); n > 1<<20 {
			t.Errorf("shape %s: allocated %d bytes", tc.shape, n)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("shape %s: error %v, want %q", tc.shape, err, tc.want)
		}
	}
}

func TestIDXLyingHeaderAllocatesOnlyWhatIsThere(t *testing.T) {
	// 512 MiB claimed (under the 1 GiB cap), 100 bytes present, raw and gzip.
	raw := idxBytes(idxImages, []int{512, 1024, 1024}, make([]byte, 100))
	for name, b := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
		var err error
		if n := allocated(func() { _, _, err = decodeIDX(bytes.NewReader(b), int64(len(b)), idxImages) }); n > 8<<20 {
			t.Errorf("%s: allocated %d bytes for a 100-byte body", name, n)
		}
		if err == nil || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("%s: %v, want truncated", name, err)
		}
	}
	huge := idxBytes(idxImages, []int{1 << 16, 1 << 16, 1 << 16}, nil)
	if _, _, err := decodeIDX(bytes.NewReader(huge), int64(len(huge)), idxImages); err == nil || !strings.Contains(err.Error(), "implausible") {
		t.Errorf("2⁴⁸ bytes claimed: %v", err)
	}
}

// pngClaiming returns a valid 1×1 PNG whose header is rewritten to claim
// w×h pixels (with a correct CRC, so only the size lies).
func pngClaiming(t testing.TB, w, h uint32) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// 8-byte signature, then length(4) "IHDR"(4) width(4) height(4) … CRC.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestPNGHeaderBombIsRefusedBeforeDecoding(t *testing.T) {
	b := pngClaiming(t, 100000, 100000)
	if len(b) > 80 {
		t.Fatalf("test PNG is %d bytes", len(b))
	}
	dir := t.TempDir()
	put(t, dir, "bomb.png", b)
	var err error
	if n := allocated(func() { _, err = LoadPNGDir(dir, 8, 1) }); n > 1<<20 {
		t.Errorf("allocated %d bytes", n)
	}
	if err == nil || !strings.Contains(err.Error(), "bomb.png") || !strings.Contains(err.Error(), "100000×100000") {
		t.Fatalf("error %v, want the file and its claimed size", err)
	}
	// Just inside the limit the same lie is caught by the decoder instead.
	if _, err := decodePNGBytes(pngClaiming(t, 64, 64), 64*64); err == nil {
		t.Fatal("truncated 64×64 image decoded")
	}
}

func TestDevZeroIsNotReadAsNPY(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero on this system")
	}
	link := filepath.Join(t.TempDir(), "zero.npy")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Skipf("cannot make a symlink: %v", err)
	}
	for name, read := range map[string]func(string) error{
		"npy": func(p string) error { _, err := ReadPoints(p); return err },
		"csv": func(p string) error { _, err := ReadCSV(p); return err },
		"idx": func(p string) error { _, err := LoadIDX(p, ""); return err },
	} {
		if err := read(link); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("%s: %v, want 'not a regular file'", name, err)
		}
	}
}

func TestCSVLineEndings(t *testing.T) {
	want := []float64{1, 2, 3, 4, 5, 6}
	for name, text := range map[string]string{
		"LF":         "x,y\n1,2\n3,4\n5,6\n",
		"CRLF":       "x,y\r\n1,2\r\n3,4\r\n5,6\r\n",
		"CR":         "x,y\r1,2\r3,4\r5,6\r",
		"CR, no end": "x,y\r1,2\r3,4\r5,6",
		"mixed":      "x,y\r\n1,2\r3,4\n\r5,6",
	} {
		p, err := readCSV(strings.NewReader(text), name)
		if err != nil || p.Dim != 2 || !slices.Equal(p.X, want) {
			t.Errorf("%s: %+v, %v", name, p, err)
		}
	}
	// A CRLF split across the scanner's reads is still one line end.
	long := strings.Repeat("1,2\r\n", 20000)
	p, err := readCSV(strings.NewReader(long), "long")
	if err != nil || p.N() != 20000 {
		t.Fatalf("long CRLF file: %d rows, %v", p.N(), err)
	}
}

func TestCSVHeaderOnlyWhenNoFieldIsANumber(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"1,zwei\n3,4\n", `t.csv:1: field 2: "zwei" is not a number`},
		{"x,2\n3,4\n", `t.csv:1: field 1: "x" is not a number`},
		{"1,2\n3,x\n", `t.csv:2: field 2: "x" is not a number`},
		{"1_0,2\n", `t.csv:1: field 1: "1_0" is not a decimal number`},
		{"0x10,2\n", `t.csv:1: field 1: "0x10" is not a decimal number`},
		{"1,2\n1e400,2\n", `t.csv:2: field 1: "1e400" is out of the float64 range`},
		{"x,y\n1,NaN\n", `t.csv:2: field 2: "NaN": NaN and infinite values are not data`},
		{"x,y\n-inf,1\n", `t.csv:2: field 1: "-inf": NaN and infinite values are not data`},
		{"nan,inf\n", `t.csv:1: field 1: "nan": NaN and infinite values are not data`},
	} {
		_, err := readCSV(strings.NewReader(tc.text), "t.csv")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: error %v\n want %s", tc.text, err, tc.want)
		}
	}
	p, err := readCSV(strings.NewReader("x, y\n1e-400,2\n"), "t.csv")
	if err != nil || !slices.Equal(p.X, []float64{0, 2}) {
		t.Errorf("header and an underflowing value: %+v %v", p, err)
	}
}

func TestStandardizerNearFloatLimit(t *testing.T) {
	p := &Points{Dim: 2, X: []float64{1e308, 1, 1.5e308, 2, 1.2e308, 3}}
	s := FitStandardizer(p)
	if !(s.Std[0] > 0) || math.IsInf(s.Std[0], 0) || math.IsInf(s.Mean[0], 0) {
		t.Fatalf("fit: mean %v std %v", s.Mean, s.Std)
	}
	if want := 3.7 / 3 * 1e308; math.Abs(s.Mean[0]/want-1) > 1e-12 {
		t.Errorf("mean %g, want %g", s.Mean[0], want)
	}
	q := p.Clone()
	if err := s.Apply(q); err != nil {
		t.Fatal(err)
	}
	var sum, ss float64
	for i := range q.N() {
		sum += q.Row(i)[0]
		ss += q.Row(i)[0] * q.Row(i)[0]
	}
	if math.Abs(sum) > 1e-12 || math.Abs(ss/3-1) > 1e-12 {
		t.Errorf("standardised column: mean %g, variance %g", sum/3, ss/3)
	}
	// Data spanning the whole range: the distance from the mean overflows.
	w := &Points{Dim: 1, X: []float64{1.7e308, -1.7e308, 1.7e308}}
	err := FitStandardizer(w).Apply(w)
	if err == nil || !strings.Contains(err.Error(), "point 1, column 0") || !strings.Contains(err.Error(), "overflows") {
		t.Errorf("overflow: %v", err)
	}
	bad := Standardizer{Mean: []float64{0, 0}, Std: []float64{1, math.Inf(1)}}
	if err := bad.Apply(&Points{Dim: 2, X: []float64{1, 2}}); err == nil || !strings.Contains(err.Error(), "column 1") {
		t.Errorf("infinite std: %v", err)
	}
}

func TestMisspelledPathSaysItIsMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "digts")
	for name, load := range map[string]func() error{
		"Load":       func() error { _, err := Load(missing, 10, newRNG(1)); return err },
		"LoadImages": func() error { _, err := LoadImages(missing, 8, 1); return err },
		"ReadPoints": func() error { _, err := ReadPoints(missing); return err },
	} {
		err := load()
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "no such file or directory") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseSpec(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		spec string
		want Spec
		err  string
	}{
		{"toy:moons", Spec{Kind: ToySpec, Name: "moons"}, ""},
		{"toy:mons", Spec{}, `unknown toy data set "mons"`},
		{"mnist", Spec{Kind: IDXSpec, Name: "mnist", Split: "train"}, ""},
		{"fashion-mnist:t10k", Spec{Kind: IDXSpec, Name: "fashion-mnist", Split: "test"}, ""},
		{"mnist:val", Spec{}, `unknown split "val"`},
		{"a/b.CSV", Spec{Kind: PointsFileSpec, Path: "a/b.CSV"}, ""},
		{"x.npy", Spec{Kind: PointsFileSpec, Path: "x.npy"}, ""},
		{dir, Spec{Kind: PNGDirSpec, Path: dir}, ""},
		{filepath.Join(dir, "nope"), Spec{}, "no such file or directory"},
		{writeTemp(t, "x.txt", "1\n"), Spec{}, `unknown extension ".txt"`},
		{"", Spec{}, "empty data spec"},
	} {
		got, err := ParseSpec(tc.spec)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.spec, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}
	if _, err := Load(dir, 1, newRNG(1)); err == nil || !strings.Contains(err.Error(), "image set") {
		t.Errorf("Load of a folder: %v", err)
	}
	if _, err := LoadImages("toy:moons", 8, 1); err == nil || !strings.Contains(err.Error(), "not an image set") {
		t.Errorf("LoadImages of a toy: %v", err)
	}
}

func TestToyHugeCountIsAnError(t *testing.T) {
	for _, n := range []int{math.MaxInt, MaxToyPoints + 1, -1} {
		if _, err := Toy("moons", n, newRNG(1)); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("n = %d: %v", n, err)
		}
	}
}

func TestImageSetSizeLimits(t *testing.T) {
	if _, err := LoadPNGDir(t.TempDir(), 100000, 3); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("image size 100000: %v", err)
	}
	im := &Images{N: 1 << 20, C: 1, H: 1, W: 1, X: make([]float32, 1<<20)}
	if _, err := im.Resized(4096, 4); err == nil || !strings.Contains(err.Error(), "GB") {
		t.Errorf("2²⁰ images of 4×4096²: %v", err)
	}
}

func TestNonFiniteNPYValueNamesRowAndColumn(t *testing.T) {
	b := npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", f32s(1, 2, float32(math.Inf(-1)), 4))
	path := put(t, t.TempDir(), "x.npy", b)
	_, err := ReadPoints(path)
	if err == nil || !strings.Contains(err.Error(), "x.npy: point 1, column 0 is -Inf") {
		t.Fatalf("error %v, want the file, point 1, column 0", err)
	}
}
