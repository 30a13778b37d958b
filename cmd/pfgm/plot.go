package main

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
	"github.com/pfgm/pfgm/yukawa"
)

func runPlot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", "--samples FILE [--data FILE|toy:NAME] --out FILE.png  |  --trajectories --data toy:NAME|FILE --D 1,4,64,inf --out FILE.png", stderr)
	samplesPath := fs.String("samples", "", "samples to draw (.csv or .npy)")
	dataSpec := fs.String("data", "", "reference data: toy:NAME or a .csv/.npy file")
	traj := fs.Bool("trajectories", false, "draw exact-field sampling trajectories, one panel per D")
	dList := fs.String("D", "1,4,64,inf", "comma-separated D values for --trajectories")
	n := fs.Int("n", 200, "trajectories per panel")
	charges := fs.Int("charges", 5000, "points drawn from a toy set to act as the charges")
	steps := fs.Int("steps", 60, "Heun steps for --trajectories (more steps draw smoother paths)")
	sigmaMax := fs.Float64("sigma-max", 80, "prior noise level for --trajectories")
	mList := fs.String("m", "", "--trajectories: also Yukawa panels (D=1, t_max 20) for these comma-separated masses, e.g. 0.3,1,3")
	seed := fs.Uint64("seed", 1, "random seed (toy data and prior)")
	lossRun := fs.String("loss", "", "draw the loss curve of the training run in this directory")
	out := fs.String("out", "", "output .png")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkOutExt(*out, ".png"); err != nil {
		return err
	}
	if *lossRun != "" {
		return plotLoss(*lossRun, *out)
	}
	if !*traj {
		if *samplesPath == "" {
			return errors.New("give --samples FILE (scatter over --data) or --trajectories")
		}
		s, err := data.ReadPoints(*samplesPath)
		if err != nil {
			return err
		}
		if err := s.Validate(); err != nil {
			return fmt.Errorf("%s: %w", *samplesPath, err)
		}
		var ref *data.Points
		if *dataSpec != "" {
			if ref, err = loadPoints(*dataSpec, *charges, *seed); err != nil {
				return err
			}
			if ref.Dim != s.Dim {
				return fmt.Errorf("samples are %d-D but the data are %d-D", s.Dim, ref.Dim)
			}
		}
		return plot.WritePanels(*out, []plot.Panel{scatterPanel(s, ref, fmt.Sprintf("%d samples", s.N()))}, 1, 640)
	}
	if *samplesPath != "" {
		return errors.New("--samples and --trajectories do not go together")
	}
	if *dataSpec == "" {
		return errors.New("--trajectories needs --data (toy:NAME or a .csv/.npy file)")
	}
	var Ds []float64
	for _, s := range strings.Split(*dList, ",") {
		D, err := process.ParseD(s)
		if err != nil {
			return fmt.Errorf("--D: %w", err)
		}
		Ds = append(Ds, D)
	}
	switch {
	case *n < 1:
		return fmt.Errorf("--n %d: need at least 1 trajectory", *n)
	case *steps < 1:
		return fmt.Errorf("--steps %d: need at least 1 step", *steps)
	}
	pts, err := loadPoints(*dataSpec, *charges, *seed)
	if err != nil {
		return err
	}
	_, z, err := standardize(pts)
	if err != nil {
		return err
	}
	panels, err := trajectoryPanels(ctx, z, Ds, *n, *steps, *sigmaMax, *seed)
	if err != nil {
		return err
	}
	cols := len(Ds)
	if *mList != "" {
		ms, err := parseMasses(*mList)
		if err != nil {
			return err
		}
		yk, err := yukawaPanels(ctx, z, ms, *n, *steps, *seed)
		if err != nil {
			return err
		}
		// One row of paths: the Poisson panels, then the Yukawa ones.
		panels = append(panels[:len(Ds)], yk...)
		cols += len(yk)
	}
	return plot.WritePanels(*out, panels, cols, 420)
}

// trajectoryPanels samples n points with the exact field of the
// standardised data z for each D and draws their paths. The view is the data's box
// (±3.5 standard deviations): the paths start far outside it at σ_max, and
// what explains each model is how they come in — nearly straight radial
// rays that spread over the data for small D, paths that first collapse
// onto the mean and then fan out for D = ∞. The part of a path outside the
// box is clipped; the dot at the end of each path is the sample. A second
// row shows why the paths differ: the distance ‖x‖ from the data's centre
// against σ, both on log scales — the heavy-tailed priors of small D start
// points over many orders of magnitude, D = ∞ near σ·√N.
func trajectoryPanels(ctx context.Context, z *data.Points, Ds []float64, n, steps int, sigmaMax float64, seed uint64) ([]plot.Panel, error) {
	if z.Dim < 2 {
		return nil, fmt.Errorf("--trajectories needs data of at least 2 dimensions, got %d", z.Dim)
	}
	dataXY := xy(z)
	var panels, radii []plot.Panel
	for _, D := range Ds {
		ex, err := field.New(z.X, z.Dim, D)
		if err != nil {
			return nil, err
		}
		p, err := process.New(D)
		if err != nil {
			return nil, err
		}
		opt := sampler.DefaultOptions()
		opt.Steps, opt.SigmaMax, opt.Record = steps, sigmaMax, true
		x := p.Prior(rand.New(rand.NewPCG(seed, sampleStream)), n, z.Dim, sigmaMax)
		res, err := sampler.Sample(ctx, ex, x, opt)
		if err != nil {
			return nil, fmt.Errorf("D=%s: %w", process.FormatD(D), err)
		}
		paths := make([][]float64, n)
		rpaths := make([][]float64, n)
		ends := make([]float64, 0, 2*n)
		for i := range n {
			for f, fr := range res.Trajectory {
				row := fr[i*z.Dim : (i+1)*z.Dim]
				paths[i] = append(paths[i], row[0], row[1])
				if sg := res.Sigmas[f]; sg > 0 {
					var r2 float64
					for _, v := range row {
						r2 += v * v
					}
					rpaths[i] = append(rpaths[i], math.Log10(sg), math.Max(math.Sqrt(r2), 1e-3))
				}
			}
			ends = append(ends, x[i*z.Dim], x[i*z.Dim+1])
		}
		radii = append(radii, plot.Panel{
			Title:  fmt.Sprintf("D=%s: distance from centre vs log10 sigma", process.FormatD(D)),
			LogY:   true,
			Layers: []plot.Layer{plot.Paths{Paths: rpaths, Color: plot.WithAlpha(plot.Palette(0), 0.35), Width: 1}},
		})
		const box = 3.5
		panels = append(panels, plot.Panel{
			Title:  fmt.Sprintf("D=%s: paths from sigma %g to 0 (NFE %d)", process.FormatD(D), sigmaMax, res.NFE),
			Bounds: &plot.Rect{MinX: -box, MinY: -box, MaxX: box, MaxY: box},
			Equal:  true,
			Layers: []plot.Layer{
				plot.Points{XY: dataXY, Color: color.NRGBA{A: 40}, Radius: 1.2},
				plot.Paths{Paths: paths, Color: plot.WithAlpha(plot.Palette(0), 0.45), Width: 1},
				plot.Points{XY: ends, Color: plot.Palette(3), Radius: 2},
			},
		})
	}
	return append(panels, radii...), nil
}

func parseMasses(s string) ([]float64, error) {
	var ms []float64
	for _, f := range strings.Split(s, ",") {
		m, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(m > 0) || math.IsInf(m, 0) {
			return nil, fmt.Errorf("--m: want positive masses separated by commas, got %q", s)
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// yukawaPanels draws the exact-field Yukawa paths (D = 1, t from 20 to 0)
// for each mass in the standardised data z, without resampling so that each
// path is one particle's; a particle's colour darkens with its final weight.
func yukawaPanels(ctx context.Context, z *data.Points, ms []float64, n, steps int, seed uint64) ([]plot.Panel, error) {
	dataXY := xy(z)
	var panels []plot.Panel
	for _, m := range ms {
		fld, err := yukawa.NewField(z.X, z.Dim, yukawa.Process{M: m, D: 1})
		if err != nil {
			return nil, err
		}
		opt := yukawa.DefaultOptions()
		opt.Steps, opt.ESSThreshold, opt.Record = steps, 0, true
		rng := rand.New(rand.NewPCG(seed, sampleStream))
		x := fld.Prior(rng, n, opt.TMax)
		res, err := yukawa.Sample(ctx, fld, x, rng, opt)
		if err != nil {
			return nil, fmt.Errorf("m=%g: %w", m, err)
		}
		maxW := slices.Max(res.LogW)
		var light, heavy [][]float64
		for i := range n {
			var path []float64
			for _, fr := range res.Trajectory {
				path = append(path, fr[i*z.Dim], fr[i*z.Dim+1])
			}
			if res.LogW[i] > maxW-math.Log(10) { // within 10× of the heaviest
				heavy = append(heavy, path)
			} else {
				light = append(light, path)
			}
		}
		const box = 3.5
		panels = append(panels, plot.Panel{
			Title:  fmt.Sprintf("Yukawa m=%g, D=1 (ESS %.2f)", m, res.FinalESS),
			Bounds: &plot.Rect{MinX: -box, MinY: -box, MaxX: box, MaxY: box},
			Equal:  true,
			Layers: []plot.Layer{
				plot.Points{XY: dataXY, Color: color.NRGBA{A: 40}, Radius: 1.2},
				plot.Paths{Paths: light, Color: plot.WithAlpha(plot.Palette(0), 0.15), Width: 1},
				plot.Paths{Paths: heavy, Color: plot.WithAlpha(plot.Palette(1), 0.6), Width: 1},
				plot.Points{XY: res.Samples, Color: plot.Palette(3), Radius: 2},
			},
		})
	}
	return panels, nil
}

// plotLoss draws a run's loss per step and its running mean over 1 % of the
// steps (the raw curve is noisy: every step draws its own σ).
func plotLoss(dir, out string) error {
	losses, err := train.ReadLosses(dir)
	if err != nil {
		return err
	}
	if len(losses) == 0 {
		return fmt.Errorf("%s: no losses recorded yet", dir)
	}
	w := max(1, len(losses)/100)
	raw, mean := make([]float64, 0, 2*len(losses)), make([]float64, 0, 2*len(losses))
	sum := 0.0
	for i, l := range losses {
		raw = append(raw, float64(i+1), l)
		sum += l
		if i >= w {
			sum -= losses[i-w]
		}
		mean = append(mean, float64(i+1), sum/float64(min(i+1, w)))
	}
	return plot.WritePanels(out, []plot.Panel{{
		Title: fmt.Sprintf("%s: loss per step and its running mean over %d steps", filepath.Base(filepath.Clean(dir)), w),
		LogY:  true,
		Layers: []plot.Layer{
			plot.Paths{Paths: [][]float64{raw}, Color: plot.WithAlpha(plot.Palette(0), 0.25), Width: 1},
			plot.Paths{Paths: [][]float64{mean}, Color: plot.Palette(1), Width: 2},
		},
	}}, 1, 640)
}
