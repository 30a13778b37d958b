package pipeline

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/sampler"
)

func exactOpts() SampleExactOptions {
	o := DefaultSampleExactOptions()
	o.Data, o.Charges, o.N, o.D, o.Seed = "toy:2clusters", 300, 40, 4, 3
	return o
}

// The exact field's ODE carries every sample onto a charge: each sample,
// mapped back to data units, is one of the data points.
func TestSampleExactLandsOnCharges(t *testing.T) {
	res, err := SampleExact(context.Background(), exactOpts())
	if err != nil {
		t.Fatal(err)
	}
	if res.NFE != 35 || res.Samples.N() != 40 || res.Samples.Dim != 2 || res.Data.N() != 300 || res.Weights != nil {
		t.Fatalf("NFE %d, %d×%d samples, %d data points, weights %v", res.NFE, res.Samples.N(), res.Samples.Dim, res.Data.N(), res.Weights)
	}
	for i := range res.Samples.N() {
		s, best := res.Samples.Row(i), math.Inf(1)
		for j := range res.Data.N() {
			d := res.Data.Row(j)
			best = min(best, (s[0]-d[0])*(s[0]-d[0])+(s[1]-d[1])*(s[1]-d[1]))
		}
		if best > 1e-4 {
			t.Errorf("sample %d %v is %.3g² from every data point", i, s, best)
		}
	}
}

// Trajectories come back in data units: the last frame before the final
// denoise is near the samples, the first is the prior (far out).
func TestSampleExactTrajectories(t *testing.T) {
	o := exactOpts()
	o.Trajectories = true
	res, err := SampleExact(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trajectory) != len(res.Sigmas) || len(res.Trajectory) < o.Sampler.Steps {
		t.Fatalf("%d frames for %d sigmas", len(res.Trajectory), len(res.Sigmas))
	}
	last := res.Trajectory[len(res.Trajectory)-1]
	for i, v := range res.Samples.X {
		if math.Abs(last[i]-v) > 1e-9 {
			t.Fatalf("last frame differs from the samples at %d: %v vs %v", i, last[i], v)
		}
	}
}

func TestSampleExactYukawaReportsWeights(t *testing.T) {
	o := exactOpts()
	o.Process, o.M, o.D, o.N = Yukawa, 1, 1, 200
	res, err := SampleExact(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if w := res.Weights; w == nil || !(w.FinalESS > 0 && w.FinalESS <= 1) || w.MinESS > w.FinalESS+1e-12 {
		t.Fatalf("weights %+v: want ESS in (0, 1] and min ≤ final", res.Weights)
	}
}

func TestSampleExactRejects(t *testing.T) {
	for _, c := range []struct {
		edit func(*SampleExactOptions)
		want string
	}{
		{func(o *SampleExactOptions) { o.N = 0 }, "n 0"},
		{func(o *SampleExactOptions) { o.Sampler.Steps = 0 }, "steps 0"},
		{func(o *SampleExactOptions) { o.D = 0.5 }, "D 0.5"},
		{func(o *SampleExactOptions) { o.D = math.NaN() }, "D NaN"},
		{func(o *SampleExactOptions) { o.Data = "" }, "no data"},
		{func(o *SampleExactOptions) { o.Charges = 0 }, "charges 0"},
		{func(o *SampleExactOptions) { o.M = 1 }, "yukawa process, not poisson"},
		{func(o *SampleExactOptions) { o.TMax = 5 }, "yukawa process, not poisson"},
		{func(o *SampleExactOptions) { o.Process = "coulomb" }, "want poisson or yukawa"},
		{func(o *SampleExactOptions) { o.Process, o.D = Yukawa, math.Inf(1) }, "finite integer D"},
		{func(o *SampleExactOptions) { o.Process, o.D, o.Sampler.Solver = Yukawa, 1, sampler.Euler }, "Heun"},
		{func(o *SampleExactOptions) { o.Process, o.D, o.M = Yukawa, 1, -1 }, "mass"},
		{func(o *SampleExactOptions) { o.Data = "toy:nope" }, "nope"},
		{func(o *SampleExactOptions) { o.Data = "/dev/null" }, "not a regular file"},
	} {
		o := exactOpts()
		c.edit(&o)
		_, err := SampleExact(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: error %v, want one line containing %q", o, err, c.want)
		}
	}
}

// A job over the memory limit is refused before it allocates, with a
// message that says how much and how to raise it; raising the limit lets
// the same job run; sizes that overflow are refused too.
func TestMemoryLimit(t *testing.T) {
	o := exactOpts()
	o.MaxMemory = 64 << 10 // 300 charges fit; 40 000 samples of 2-D do not
	o.N = 40000
	_, err := SampleExact(context.Background(), o)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "--max-memory") || !strings.Contains(err.Error(), "40000 samples") {
		t.Fatalf("error %v: want ErrTooLarge naming the samples and --max-memory", err)
	}
	o.N, o.MaxMemory = 400, 0
	if _, err := SampleExact(context.Background(), o); err != nil {
		t.Fatalf("within the limit: %v", err)
	}
	o.N = math.MaxInt
	if _, err := SampleExact(context.Background(), o); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("n = MaxInt: %v, want ErrTooLarge", err)
	}
	o = exactOpts()
	o.Charges = math.MaxInt
	if _, err := SampleExact(context.Background(), o); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("charges = MaxInt: %v, want ErrTooLarge", err)
	}
	if _, err := Eval(context.Background(), EvalOptions{RefPoints: data.NewPoints(10, 2), SamplesPoints: data.NewPoints(10, 2), Projections: 1e9, MMDPoints: 10}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("1e9 projections: %v, want ErrTooLarge", err)
	}
	fo := DefaultFieldLinesOptions()
	fo.Data, fo.Lines = "toy:moons", 1e8
	if _, err := FieldLines(context.Background(), fo); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("1e8 lines: %v, want ErrTooLarge", err)
	}
	if _, err := Toy(context.Background(), ToyOptions{Name: "moons", N: math.MaxInt}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("toy n = MaxInt: %v, want ErrTooLarge", err)
	}
}

func TestProductSaturates(t *testing.T) {
	if got := product(1<<32, 1<<32); got != math.MaxInt64 {
		t.Errorf("2³²·2³² = %d, want saturation", got)
	}
	if got := product(3, 5, 7); got != 105 {
		t.Errorf("3·5·7 = %d", got)
	}
	if got := product(-1, 2); got != math.MaxInt64 {
		t.Errorf("a negative factor gives %d, want saturation", got)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"4G": 4 << 30, "512MiB": 512 << 20, "1e9": 1e9, "8k": 8 << 10, "100B": 100, "2TB": 2 << 40} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "G", "-1G", "0", "12abc", "1e30", "NaN"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q): no error", in)
		}
	}
}

func TestCheckOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(in, []byte("1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		out, want string
	}{
		{in, "is the input"},
		{filepath.Join(dir, ".", "x.csv"), "is the input"},
		{filepath.Join(dir, "missing", "y.csv"), "no such file"},
		{filepath.Join(dir, "y.txt"), "unknown extension"},
	} {
		if err := CheckOutput(c.out, []string{in}, ".csv", ".npy", ".png"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckOutput(%q): %v, want %q", c.out, err, c.want)
		}
	}
	if err := CheckOutput(filepath.Join(dir, "y.csv"), []string{in, "toy:moons"}, ".csv"); err != nil {
		t.Errorf("a fresh file beside the input: %v", err)
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o500)
		if err := CheckOutput(filepath.Join(ro, "y.csv"), nil); err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Errorf("read-only directory: %v", err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 2 {
		t.Errorf("the check left files behind: %v", ents)
	}
}

// Image samples are written as NPY (n, C, H, W) float32 in [0, 1]: −1 → 0,
// 0 → 0.5, 1 → 1, and values outside [−1, 1] clamped.
func TestWriteSamplesImages(t *testing.T) {
	dir := t.TempDir()
	x := []float32{-1, 0, 1, 2, -3, 0.5, 0, 0}
	r := &SampleResult{Images: &data.Images{N: 2, C: 1, H: 2, W: 2, X: x}}
	path := filepath.Join(dir, "im.npy")
	if err := WriteSamples(path, r); err != nil {
		t.Fatal(err)
	}
	a, err := data.ReadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0.5, 1, 1, 0, 0.75, 0.5, 0.5}
	if len(a.Shape) != 4 || a.Shape[0] != 2 || a.Shape[1] != 1 || a.Shape[2] != 2 || a.Shape[3] != 2 {
		t.Fatalf("shape %v, want [2 1 2 2]", a.Shape)
	}
	for i, v := range want {
		if a.Data[i] != v {
			t.Errorf("value %d = %v, want %v", i, a.Data[i], v)
		}
	}
	if err := WriteSamples(filepath.Join(dir, "im.png"), r); err != nil {
		t.Fatal(err)
	}
	if err := WriteSamples(filepath.Join(dir, "im.jpg"), r); err == nil {
		t.Error("a .jpg was accepted")
	}
	if err := WriteSamples(filepath.Join(dir, "none.csv"), &SampleResult{}); err == nil {
		t.Error("an empty result was written")
	}
}

func TestWriteSamplesPointsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	res, err := SampleExact(context.Background(), exactOpts())
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".csv", ".npy"} {
		path := filepath.Join(dir, "s"+ext)
		if err := WriteSamples(path, res); err != nil {
			t.Fatal(err)
		}
		p, err := data.ReadPoints(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range res.Samples.X {
			if p.X[i] != v {
				t.Fatalf("%s: value %d read back as %v, wrote %v", ext, i, p.X[i], v)
			}
		}
	}
}

func TestCancelledSampling(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := SampleExact(ctx, exactOpts())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if strings.Count(err.Error(), "context canceled") != 1 {
		t.Errorf("error %q repeats itself", err)
	}
}
