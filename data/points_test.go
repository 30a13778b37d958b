package data

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func TestToyShapesBoundsAndSeeds(t *testing.T) {
	for _, name := range ToyNames() {
		p, err := Toy(name, 2000, newRNG(1))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Dim != 2 || p.N() != 2000 {
			t.Fatalf("%s: got %d points in %d-D", name, p.N(), p.Dim)
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Everything lies in the documented ±4 box, give or take Gaussian
		// tails (6 σ of the widest noise, std 1 for gaussian).
		lim := 4.5
		if name == "gaussian" {
			lim = 6
		}
		for _, v := range p.X {
			if math.Abs(v) > lim {
				t.Fatalf("%s: value %v outside ±%v", name, v, lim)
			}
		}
		q, _ := Toy(name, 2000, newRNG(1))
		r, _ := Toy(name, 2000, newRNG(2))
		if !slices.Equal(p.X, q.X) {
			t.Errorf("%s: same seed gave different points", name)
		}
		if slices.Equal(p.X, r.X) {
			t.Errorf("%s: different seeds gave the same points", name)
		}
	}
}

func TestToyErrors(t *testing.T) {
	_, err := Toy("nope", 10, newRNG(1))
	if err == nil || !strings.Contains(err.Error(), "moons") || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("want error naming the set and listing names, got %v", err)
	}
	if _, err := Toy("moons", 0, newRNG(1)); err == nil {
		t.Fatal("want error for n = 0")
	}
	for _, want := range []string{"moons", "8gaussians", "checkerboard", "swissroll", "rings", "gaussian", "2clusters"} {
		if _, err := Toy(want, 1, newRNG(1)); err != nil {
			t.Errorf("%s missing: %v", want, err)
		}
	}
}

func TestTwoClustersProportions(t *testing.T) {
	p, _ := Toy("2clusters", 1001, newRNG(3))
	left := 0
	for i := range p.N() {
		if p.Row(i)[0] < 0 {
			left++
		}
	}
	if left != 801 { // round(0.8·1001) = 801, exactly
		t.Fatalf("left cluster holds %d of 1001, want 801", left)
	}
}

func TestRingsRadiiAndCheckerboardSquares(t *testing.T) {
	p, _ := Toy("rings", 4000, newRNG(4))
	for i := range p.N() {
		r := math.Hypot(p.Row(i)[0], p.Row(i)[1])
		best := math.Inf(1)
		for _, rr := range []float64{3, 2.25, 1.5, 0.75} {
			best = math.Min(best, math.Abs(r-rr))
		}
		if best > 0.08*6 { // six noise σ
			t.Fatalf("rings point at radius %v is off every ring", r)
		}
	}
	c, _ := Toy("checkerboard", 4000, newRNG(5))
	for i := range c.N() {
		x, y := c.Row(i)[0], c.Row(i)[1]
		// Occupied squares (side 2) have floor(x/2)+floor(y/2) even.
		if s := int(math.Floor(x/2) + math.Floor(y/2)); s%2 != 0 {
			t.Fatalf("checkerboard point (%v, %v) on an empty square", x, y)
		}
	}
}

func TestToyMoments(t *testing.T) {
	// The standard normal set has mean ≈ 0 and variance ≈ 1: with n = 20000
	// the standard error of the mean is 0.007 and of the variance 0.01.
	p, _ := Toy("gaussian", 20000, newRNG(6))
	s := FitStandardizer(p)
	for k := range 2 {
		if math.Abs(s.Mean[k]) > 0.03 || math.Abs(s.Std[k]-1) > 0.03 {
			t.Fatalf("column %d: mean %v std %v", k, s.Mean[k], s.Std[k])
		}
	}
}

func TestCSVRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := &Points{Dim: 3, X: []float64{1, -2.5, 1e-300, math.Pi, 0, -0, 7, 8, 9}}
	path := filepath.Join(dir, "p.csv")
	if err := WritePoints(path, p); err != nil {
		t.Fatal(err)
	}
	q, err := ReadPoints(path)
	if err != nil {
		t.Fatal(err)
	}
	if q.Dim != 3 || !slices.Equal(p.X, q.X) {
		t.Fatalf("round trip: got %+v", q)
	}
	b, _ := os.ReadFile(path)
	if strings.Count(string(b), "\n") != 3 {
		t.Fatalf("want 3 lines, no header:\n%s", b)
	}
}

func TestCSVHeaderAndBlankLines(t *testing.T) {
	path := writeTemp(t, "h.csv", "x, y\n1, 2\n\n3,4\n")
	p, err := ReadPoints(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.X, []float64{1, 2, 3, 4}) || p.Dim != 2 {
		t.Fatalf("got %+v", p)
	}
}

func TestCSVErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"ragged.csv", "1,2\n3,4,5\n", "ragged.csv:2"},
		{"nan.csv", "1,2\nNaN,4\n", "nan.csv:2"},
		{"inf.csv", "1,2\n3,+Inf\n", "inf.csv:2"},
		{"nanfirst.csv", "nan,1\n", "nanfirst.csv:1"},
		{"text.csv", "a,b\n1,2\nfoo,3\n", "text.csv:3"},
		{"empty.csv", "", "no data rows"},
		{"headeronly.csv", "x,y\n", "no data rows"},
	}
	for _, c := range cases {
		_, err := ReadPoints(writeTemp(t, c.name, c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.want)
		}
	}
	if _, err := ReadPoints(filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := ReadPoints(writeTemp(t, "x.txt", "1\n")); err == nil || !strings.Contains(err.Error(), ".txt") {
		t.Errorf("unknown extension: %v", err)
	}
}

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNPYRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p, _ := Toy("moons", 37, newRNG(7))
	path := filepath.Join(dir, "p.npy")
	if err := WritePoints(path, p); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if hl := int(binary.LittleEndian.Uint16(b[8:10])); (10+hl)%64 != 0 || b[10+hl-1] != '\n' {
		t.Fatalf("header not padded to 64 bytes / newline-terminated: %q", b[:10+hl])
	}
	q, err := ReadPoints(path)
	if err != nil {
		t.Fatal(err)
	}
	if q.Dim != 2 || !slices.Equal(p.X, q.X) {
		t.Fatal("float64 NPY round trip changed the points")
	}

	x32 := []float32{1.5, -2, 3.25, 4, 5, 6}
	p32 := filepath.Join(dir, "f.npy")
	if err := WriteNPY32(p32, []int{3, 2}, x32); err != nil {
		t.Fatal(err)
	}
	q, err = ReadPoints(p32)
	if err != nil || q.Dim != 2 || !slices.Equal(q.X, []float64{1.5, -2, 3.25, 4, 5, 6}) {
		t.Fatalf("float32 NPY: %+v %v", q, err)
	}
}

// npyBytes builds an NPY file by hand, as numpy would, so the reader is
// tested against the format rather than against our own writer.
func npyBytes(major byte, dict string, body []byte) []byte {
	pre := 10
	if major >= 2 {
		pre = 12
	}
	for (pre+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	b := append([]byte("\x93NUMPY"), major, 0)
	if major >= 2 {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	} else {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	}
	return append(append(b, dict...), body...)
}

func f32s(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func TestNPYReadVariants(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	// Version 2.0, 1-D.
	p, err := ReadPoints(write("v2.npy", npyBytes(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f32s(1, 2, 3))))
	if err != nil || p.Dim != 1 || !slices.Equal(p.X, []float64{1, 2, 3}) {
		t.Fatalf("v2 1-D: %+v %v", p, err)
	}
	// Fortran order: the 2×3 matrix [[1 2 3] [4 5 6]] stored by columns.
	p, err = ReadPoints(write("f.npy", npyBytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f32s(1, 4, 2, 5, 3, 6))))
	if err != nil || p.Dim != 3 || !slices.Equal(p.X, []float64{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("fortran: %+v %v", p, err)
	}

	bad := []struct{ name, dict, want string }{
		{"int.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }", "dtype"},
		{"be.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }", "dtype"},
		{"short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", "truncated"},
		{"3d.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2), }", "1-D or 2-D"},
		{"scalar.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", "scalar"},
		{"empty.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 2), }", "no points"},
	}
	for _, c := range bad {
		body := f32s(1, 2)
		if c.name == "empty.npy" {
			body = nil
		}
		_, err := ReadPoints(write(c.name, npyBytes(1, c.dict, body)))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: got %v, want error naming the file and containing %q", c.name, err, c.want)
		}
	}
	if _, err := ReadPoints(write("junk.npy", []byte("hello, world"))); err == nil || !strings.Contains(err.Error(), "magic") {
		t.Errorf("junk: %v", err)
	}
	full := npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", f32s(1, 2, 3, 4))
	if _, err := ReadPoints(write("cut.npy", full[:20])); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("cut header: %v", err)
	}
	nan := npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", f32s(1, float32(math.NaN())))
	if _, err := ReadPoints(write("nan.npy", nan)); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN: %v", err)
	}
}

func TestFailedWriteKeepsExistingFile(t *testing.T) {
	path := writeTemp(t, "keep.csv", "1,2\n")
	bad := &Points{Dim: 2, X: []float64{1, math.NaN()}}
	if err := WritePoints(path, bad); err == nil {
		t.Fatal("writing NaN: no error")
	}
	if b, _ := os.ReadFile(path); string(b) != "1,2\n" {
		t.Fatalf("existing file damaged: %q", b)
	}
	if err := WritePoints(filepath.Join(t.TempDir(), "no", "dir.npy"), &Points{Dim: 1, X: []float64{1}}); err == nil {
		t.Fatal("missing directory: no error")
	}
}

func TestStandardizer(t *testing.T) {
	p := &Points{Dim: 3, X: []float64{1, 5, 100, 3, 5, 200, 5, 5, 300, 7, 5, 400}}
	orig := p.Clone()
	s := FitStandardizer(p)
	if s.Mean[0] != 4 || s.Std[0] != math.Sqrt(5) || s.Std[1] != 1 {
		t.Fatalf("fit: %+v", s)
	}
	if err := s.Apply(p); err != nil {
		t.Fatal(err)
	}
	z := FitStandardizer(p)
	for k := range 3 {
		wantStd := 1.0
		if math.Abs(z.Mean[k]) > 1e-12 || math.Abs(z.Std[k]-wantStd) > 1e-12 {
			t.Fatalf("after Apply column %d: mean %v std %v", k, z.Mean[k], z.Std[k])
		}
	}
	b, _ := json.Marshal(s)
	var s2 Standardizer
	if err := json.Unmarshal(b, &s2); err != nil {
		t.Fatal(err)
	}
	if err := s2.Invert(p); err != nil {
		t.Fatal(err)
	}
	for i := range p.X {
		if math.Abs(p.X[i]-orig.X[i]) > 1e-12*math.Max(1, math.Abs(orig.X[i])) {
			t.Fatalf("Invert(Apply(x)) = %v, want %v", p.X, orig.X)
		}
	}
	if err := s.Apply(&Points{Dim: 2, X: []float64{1, 2}}); err == nil {
		t.Fatal("dimension mismatch: no error")
	}
}

func TestLoad(t *testing.T) {
	p, err := Load("toy:rings", 10, newRNG(1))
	if err != nil || p.N() != 10 {
		t.Fatalf("toy: %v", err)
	}
	path := writeTemp(t, "a.csv", "1\n2\n3\n")
	p, err = Load(path, 1, newRNG(1))
	if err != nil || p.N() != 3 {
		t.Fatalf("file: n = %d, %v (whole file expected)", p.N(), err)
	}
	if _, err := Load("toy:zzz", 10, newRNG(1)); err == nil {
		t.Fatal("unknown toy: no error")
	}
}
