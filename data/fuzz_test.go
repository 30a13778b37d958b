package data

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The fuzz targets below cover every parser of the package. Each checks
// that no input panics or allocates beyond what the input holds (the
// fuzzer's memory limit catches that), and that what is accepted is well
// formed and survives a write/read round trip. Seeds that once found a
// bug live in testdata/fuzz/FuzzXxx; scripts/fuzz.sh runs them all.

// fuzzPixels is the pixel limit of the PNG targets: small, so a lying
// header inside it costs the fuzzer little.
const fuzzPixels = 1 << 12

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"x,y\n1,2\n3,4\n", "1\r2\r3", "1,2\r\n3,4\r\n", "a,b\n1_0,2\n", "1,nan\n", " 1 , 2 \n\n3,4", "0x1p3,1\n", "1e400\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := readCSV(bytes.NewReader(b), "f.csv")
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted invalid points: %v", err)
		}
		var buf bytes.Buffer
		for i := range p.N() {
			for k, v := range p.Row(i) {
				if k > 0 {
					buf.WriteByte(',')
				}
				buf.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			}
			buf.WriteByte('\n')
		}
		q, err := readCSV(&buf, "again.csv")
		if err != nil || q.Dim != p.Dim || !sameBits(p.X, q.X) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzReadNPY(f *testing.F) {
	f.Add(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }", make([]byte, 16)))
	f.Add(npyBytes(2, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f32s(1, 2, 3, 4)))
	f.Add(npyBytes(3, "{\"descr\": \"=f4\", \"fortran_order\": False, \"shape\": (3L,), }", f32s(1, 2, 3)))
	f.Add(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", nil))
	f.Add([]byte("\x93NUMPY\x01\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := parseNPY(b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		n, ok := shapeProduct(a.Shape)
		if !ok || n != len(a.Data) {
			t.Fatalf("shape %v with %d values", a.Shape, len(a.Data))
		}
		data := slices64(a.Data)
		again, err := parseNPY(append(npyHeaderBytes("<f8", a.Shape), data...))
		if err != nil || !sameBits(a.Data, again.Data) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func slices64(x []float64) []byte {
	b := make([]byte, 0, 8*len(x))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func FuzzReadIDX(f *testing.F) {
	img := idxBytes(idxImages, []int{2, 2, 3}, []byte{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255})
	lab := idxBytes(idxLabels, []int{2}, []byte{3, 9})
	for _, b := range [][]byte{img, gz(img), lab, gz(lab), img[:9], gz(img)[:20],
		idxBytes(idxImages, []int{60000, 28, 28}, nil), idxBytes(idxImages, []int{1 << 16, 1 << 16, 1 << 16}, nil)} {
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, b []byte, images bool) {
		magic := uint32(idxLabels)
		if images {
			magic = idxImages
		}
		dims, pix, err := decodeIDX(bytes.NewReader(b), int64(len(b)), magic)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		n := 1
		for _, d := range dims {
			n *= d
		}
		if len(dims) != int(magic&0xff) || n != len(pix) {
			t.Fatalf("dimensions %v with %d bytes", dims, len(pix))
		}
	})
}

func FuzzDecodePNG(f *testing.F) {
	for _, b := range pngSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := decodePNGBytes(b, fuzzPixels)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		r := img.Bounds()
		if r.Empty() || r.Dx()*r.Dy() > fuzzPixels {
			t.Fatalf("accepted a %v image", r)
		}
		dst := make([]float32, 3*4*4)
		toChannels(dst, resizeRGBA(img, 4), 3, 16)
		for _, v := range dst {
			if !(v >= -1 && v <= 1) {
				t.Fatalf("pixel value %v outside [−1, 1]", v)
			}
		}
	})
}

// pngSeeds are a few valid PNGs of different colour models and a lying one.
func pngSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, path := range []string{"gray.png", "rgba.png", "paletted.png"} {
		if b, err := os.ReadFile(filepath.Join("testdata", path)); err == nil {
			out = append(out, b)
		}
	}
	return append(out, pngClaiming(t, 100000, 100000), pngClaiming(t, 3, 2))
}

// FuzzLoadPNGDir fuzzes the folder logic: file names (extension case,
// non-PNG files, sorting), a PNG and a second arbitrary file, the output
// size and channel count.
func FuzzLoadPNGDir(f *testing.F) {
	seeds := pngSeeds(f)
	f.Add("a.png", seeds[0], "b.PNG", seeds[len(seeds)-1], uint8(4), uint8(3))
	f.Add("z.png", seeds[0], "notes.txt", []byte("hello"), uint8(1), uint8(1))
	f.Add("a.png", seeds[0], "b.png", seeds[0], uint8(0), uint8(2))
	f.Fuzz(func(t *testing.T, name1 string, b1 []byte, name2 string, b2 []byte, size, channels uint8) {
		dir := t.TempDir()
		files := 0
		for _, nf := range []struct {
			name string
			b    []byte
		}{{name1, b1}, {name2, b2}} {
			if nf.name == "" || nf.name == "." || nf.name == ".." || strings.ContainsAny(nf.name, "/\x00") || len(nf.name) > 100 {
				return
			}
			if err := os.WriteFile(filepath.Join(dir, nf.name), nf.b, 0o644); err != nil {
				return
			}
			if strings.EqualFold(filepath.Ext(nf.name), ".png") {
				files++
			}
		}
		if name1 == name2 {
			files = min(files, 1)
		}
		s, c := int(size%9), int(channels%5)
		im, err := loadPNGDir(dir, s, c, fuzzPixels)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if err := im.Validate(); err != nil || im.N != files || im.C != c || im.H != s || im.W != s {
			t.Fatalf("%d PNG files gave %d×%d×%d×%d: %v", files, im.N, im.C, im.H, im.W, err)
		}
		for _, v := range im.X {
			if !(v >= -1 && v <= 1) {
				t.Fatalf("pixel value %v outside [−1, 1]", v)
			}
		}
	})
}

// FuzzParseSpec checks that any string parses or is refused in one line,
// and that names (toy sets, IDX sets) print back to what they parse from.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"toy:moons", "toy:", "toy:toy:moons", "mnist", "mnist:test", "fashion-mnist:t10k", "mnist:", "x.csv", "x.NPY", "testdata", "nope", "", ":", "toy:2clusters"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSpec(spec)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(spec, "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		switch s.Kind {
		case ToySpec, IDXSpec:
			again, err := ParseSpec(s.String())
			if err != nil || again != s {
				t.Fatalf("%q → %+v → %q → %+v, %v", spec, s, s.String(), again, err)
			}
		case PointsFileSpec, PNGDirSpec:
			if s.Path != spec {
				t.Fatalf("path %q from %q", s.Path, spec)
			}
		default:
			t.Fatalf("kind %v", s.Kind)
		}
		if s.Kind == ToySpec {
			if p, err := Load(spec, 3, newRNG(1)); err != nil || p.N() != 3 {
				t.Fatalf("Load(%q): %v", spec, err)
			}
		}
	})
}

// FuzzNPYShape builds the header from fuzzed dimensions, so that the
// shape arithmetic (products near and past the int range, byte counts
// that wrap) is reached far more often than by mutating header text.
func FuzzNPYShape(f *testing.F) {
	f.Add(uint64(2), uint64(3), uint64(1), uint8(2), false, make([]byte, 48))
	f.Add(uint64(1<<32), uint64(1<<32), uint64(1), uint8(2), false, []byte{})
	f.Add(uint64(1<<61+2), uint64(1), uint64(1), uint8(1), false, make([]byte, 16))
	f.Fuzz(func(t *testing.T, d0, d1, d2 uint64, ndim uint8, f4 bool, body []byte) {
		dims := []uint64{d0, d1, d2}[:ndim%4]
		s := make([]string, len(dims))
		for i, d := range dims {
			s[i] = strconv.FormatUint(d, 10)
		}
		descr := "<f8"
		if f4 {
			descr = "<f4"
		}
		a, err := parseNPY(npyBytes(1, "{'descr': '"+descr+"', 'fortran_order': False, 'shape': ("+strings.Join(s, ", ")+",), }", body))
		if err != nil {
			return
		}
		if n, ok := shapeProduct(a.Shape); !ok || n != len(a.Data) || len(a.Shape) != len(dims) {
			t.Fatalf("shape %v with %d values", a.Shape, len(a.Data))
		}
	})
}
