package main

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
)

// sampleStream is the second PCG word for prior draws ("smpl" in ASCII), so
// the data (data.RNG) and the prior of one seed are independent.
const sampleStream = 0x736d706c

// sampleFlags are the parsed flags of `pfgm sample`, shared by the exact
// field and trained-run paths.
type sampleFlags struct {
	exact   bool
	run     string // RUN_DIR for a trained model
	data    string // toy:NAME or a .csv/.npy file (exact field)
	charges int    // points drawn for a toy set
	D       float64
	n       int
	seed    uint64
	class   int // a class of a class-conditional run (−1: all in turn)
	out     string
	opt     sampler.Options // Steps, SigmaMin/Max, Solver, Rtol/Atol, Alpha
	set     map[string]bool // flags given on the command line
}

func runSample(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sample", "--exact --data FILE|toy:NAME --out FILE.csv|.npy|.png [flags]  |  --run RUN_DIR --out FILE [flags]", stderr)
	var f sampleFlags
	f.opt = sampler.DefaultOptions()
	fs.BoolVar(&f.exact, "exact", false, "sample with the exact field of the data (no training)")
	fs.StringVar(&f.run, "run", "", "sample from the trained model in RUN_DIR")
	fs.StringVar(&f.data, "data", "", "data for --exact: toy:NAME or a .csv/.npy file of points")
	fs.IntVar(&f.charges, "charges", 20000, "points drawn from a toy set to act as the charges")
	dFlag := fs.String("D", "128", "augmented dimensions: an integer ≥ 1, or inf for diffusion")
	fs.IntVar(&f.n, "n", 2000, "number of samples")
	fs.IntVar(&f.opt.Steps, "steps", f.opt.Steps, "steps on the EDM grid (Heun: 2·steps−1 evaluations)")
	solver := fs.String("solver", "heun", "ODE solver: euler, heun or rk45")
	fs.Float64Var(&f.opt.Rtol, "rtol", f.opt.Rtol, "rk45 relative tolerance")
	fs.Float64Var(&f.opt.Atol, "atol", f.opt.Atol, "rk45 absolute tolerance")
	fs.Float64Var(&f.opt.SigmaMax, "sigma-max", f.opt.SigmaMax, "largest noise level (the prior's)")
	fs.Float64Var(&f.opt.SigmaMin, "sigma-min", f.opt.SigmaMin, "smallest noise level before the final denoise")
	fs.Float64Var(&f.opt.Alpha, "alpha", 0, "noise injection x += α·σ·ε before each step (robustness studies)")
	fs.IntVar(&f.class, "class", -1, "--run: the class to draw from a class-conditional run (default: every class in turn)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed (toy data and prior)")
	fs.StringVar(&f.out, "out", "", "output: .csv or .npy (samples in data units) or .png (samples over the data)")
	proc := fs.String("process", "poisson", "exact-field process: poisson (PFGM++/diffusion) or yukawa (weighted particles)")
	var yf yukawaFlags
	fs.Float64Var(&yf.m, "m", 1, "yukawa: screening mass m ≥ 0")
	fs.Float64Var(&yf.tMax, "t-max", 20, "yukawa: largest augmented radius t (the Coulomb prior's)")
	fs.Float64Var(&yf.essThreshold, "ess-threshold", 0, "yukawa: resample when ESS/n falls below this (0: only at the end)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f.set = givenFlags(fs)
	var err error
	if f.opt.Solver, err = sampler.ParseSolver(*solver); err != nil {
		return err
	}
	if f.D, err = process.ParseD(*dFlag); err != nil {
		return fmt.Errorf("--D: %w", err)
	}
	switch {
	case f.exact == (f.run != ""):
		return errors.New("give exactly one of --exact (exact field of --data) or --run RUN_DIR (trained model)")
	case f.n < 1:
		return fmt.Errorf("--n %d: need at least 1 sample", f.n)
	case f.opt.Steps < 1:
		return fmt.Errorf("--steps %d: need at least 1 step", f.opt.Steps)
	}
	if err := checkOutExt(f.out, ".csv", ".npy", ".png"); err != nil {
		return err
	}
	f.opt.Rng = rand.New(rand.NewPCG(f.seed, sampleStream+1))
	if f.run != "" {
		if f.set["data"] || f.set["charges"] {
			return errors.New("--data and --charges belong to --exact; a run samples from its trained model")
		}
		return sampleRun(ctx, &f, stdout, stderr)
	}
	if f.data == "" {
		return errors.New("--exact needs --data (toy:NAME or a .csv/.npy file)")
	}
	switch *proc {
	case "poisson":
		return sampleExact(ctx, &f, stderr)
	case "yukawa":
		return sampleYukawaExact(ctx, &f, yf, stdout, stderr)
	}
	return fmt.Errorf("--process %q: want poisson or yukawa", *proc)
}

// sampleExact samples with the exact field of the data: the charges are the
// standardised points, and the samples are mapped back to data units.
func sampleExact(ctx context.Context, f *sampleFlags, stderr io.Writer) error {
	pts, err := loadPoints(f.data, f.charges, f.seed)
	if err != nil {
		return err
	}
	std, z, err := standardize(pts)
	if err != nil {
		return err
	}
	ex, err := field.New(z.X, z.Dim, f.D)
	if err != nil {
		return err
	}
	p, err := process.New(f.D)
	if err != nil {
		return err
	}
	x := p.Prior(rand.New(rand.NewPCG(f.seed, sampleStream)), f.n, pts.Dim, f.opt.SigmaMax)
	start := time.Now()
	res, err := sampler.Sample(ctx, ex, x, f.opt)
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	fmt.Fprintf(stderr, "nfe=%d time=%.2fs\n", res.NFE, time.Since(start).Seconds())
	samples := &data.Points{Dim: pts.Dim, X: x}
	if err := std.Invert(samples); err != nil {
		return err
	}
	return writeSamples(f.out, samples, pts, fmt.Sprintf("exact field, %s, %d samples, NFE %d", p, f.n, res.NFE))
}

// loadPoints reads a point file or draws n points of a toy set with the data
// stream of seed, and checks them.
func loadPoints(spec string, n int, seed uint64) (*data.Points, error) {
	if strings.HasPrefix(spec, "toy:") && n < 1 {
		return nil, fmt.Errorf("--charges %d: need at least 1 point", n)
	}
	p, err := data.Load(spec, n, data.RNG(seed))
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", spec, err)
	}
	return p, nil
}

// standardize returns the standardiser of pts and a standardised copy: the
// exact fields hold their charges in standardised units.
func standardize(pts *data.Points) (data.Standardizer, *data.Points, error) {
	std := data.FitStandardizer(pts)
	z := pts.Clone()
	if err := std.Apply(z); err != nil {
		return std, nil, err
	}
	return std, z, nil
}

// checkOutExt checks that --out is given and has one of the extensions.
func checkOutExt(out string, exts ...string) error {
	if out == "" {
		return fmt.Errorf("--out is required (%s)", strings.Join(exts, ", "))
	}
	ext := strings.ToLower(filepath.Ext(out))
	for _, e := range exts {
		if ext == e {
			return nil
		}
	}
	return fmt.Errorf("--out %s: unknown extension %q (want %s)", out, ext, strings.Join(exts, ", "))
}

// writeSamples writes samples as CSV/NPY, or as a PNG scatter over ref (which
// may be nil), all in data units.
func writeSamples(path string, samples, ref *data.Points, title string) error {
	if strings.ToLower(filepath.Ext(path)) != ".png" {
		return data.WritePoints(path, samples)
	}
	return plot.WritePanels(path, []plot.Panel{scatterPanel(samples, ref, title)}, 1, 640)
}

// scatterPanel draws samples (blue) over reference data (grey): the first
// two coordinates, or for 1-D points the value against a deterministic jitter.
func scatterPanel(samples, ref *data.Points, title string) plot.Panel {
	var layers []plot.Layer
	if ref != nil {
		layers = append(layers, plot.Points{XY: xy(ref), Color: color.NRGBA{A: 50}, Radius: 1.5})
	}
	layers = append(layers, plot.Points{XY: xy(samples), Color: plot.WithAlpha(plot.Palette(0), 0.6), Radius: 1.8})
	return plot.Panel{Title: title, Equal: samples.Dim > 1, Layers: layers}
}

// xy is the (x, y) pairs of the first two coordinates of p; 1-D points get
// y spread evenly in [0, 1) so that their density shows.
func xy(p *data.Points) []float64 {
	n := p.N()
	out := make([]float64, 0, 2*n)
	for i := range n {
		r := p.Row(i)
		if p.Dim == 1 {
			out = append(out, r[0], float64(i*7919%n)/float64(n))
		} else {
			out = append(out, r[0], r[1])
		}
	}
	return out
}
