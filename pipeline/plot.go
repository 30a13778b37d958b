package pipeline

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
	"github.com/pfgm/pfgm/yukawa"
)

// PlotResult is a picture in memory: panels laid out in Cols columns of
// Cell pixels.
type PlotResult struct {
	Panels []plot.Panel
	Cols   int
	Cell   int
}

// Write writes the picture as a PNG file (atomically).
func (p *PlotResult) Write(path string) error {
	return plot.WritePanels(path, p.Panels, p.Cols, p.Cell)
}

// Render draws the picture in memory.
func (p *PlotResult) Render() (*image.RGBA, error) {
	return plot.RenderPanels(p.Panels, p.Cols, p.Cell)
}

// ScatterOptions choose a scatter plot of samples over reference data.
type ScatterOptions struct {
	Samples       string       // a .csv/.npy file of points
	SamplesPoints *data.Points // or the points themselves (wins)
	Data          string       // optional reference: toy:NAME or a .csv/.npy file
	Charges       int          // points drawn from a toy reference set
	Seed          uint64       // the toy set's draw
	MaxMemory     int64        // 0: DefaultMaxMemory
}

// Scatter draws samples (the first two coordinates) over the reference
// data, if any.
func Scatter(ctx context.Context, opt ScatterOptions) (*PlotResult, error) {
	var e estimate
	if opt.SamplesPoints == nil {
		if opt.Samples == "" {
			return nil, errors.New("no samples given")
		}
		vals, _, err := pointsEstimate(opt.Samples, 0)
		if err != nil {
			return nil, err
		}
		e.add("the samples", vals, 8, 3)
	}
	if opt.Data != "" {
		vals, _, err := pointsEstimate(opt.Data, opt.Charges)
		if err != nil {
			return nil, err
		}
		e.add("the data", vals, 8, 3)
	}
	if err := e.check("the scatter plot", opt.MaxMemory); err != nil {
		return nil, err
	}
	s := opt.SamplesPoints
	if s == nil {
		var err error
		if s, err = data.ReadPointsContext(ctx, opt.Samples); err != nil {
			return nil, err
		}
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", opt.Samples, err)
	}
	var ref *data.Points
	if opt.Data != "" {
		var err error
		if ref, err = loadPoints(ctx, opt.Data, opt.Charges, opt.Seed); err != nil {
			return nil, err
		}
		if ref.Dim != s.Dim {
			return nil, fmt.Errorf("samples are %d-D but the data are %d-D", s.Dim, ref.Dim)
		}
	}
	return &PlotResult{Panels: []plot.Panel{ScatterPanel(s, ref, fmt.Sprintf("%d samples", s.N()))}, Cols: 1, Cell: 640}, nil
}

// TrajectoriesOptions choose the picture of exact-field sampling paths:
// one panel per D (and per Yukawa mass), with a second row of ‖x‖ against σ.
type TrajectoriesOptions struct {
	Data      string    // toy:NAME or a .csv/.npy file of points (≥ 2-D)
	Charges   int       // points drawn from a toy set
	Seed      uint64    // the toy set's and the priors' draws
	Ds        []float64 // augmented dimensions, one panel each
	Masses    []float64 // Yukawa masses (D = 1, t from 20), one panel each
	N         int       // trajectories per panel (≥ 1)
	Steps     int       // Heun steps (≥ 1)
	SigmaMax  float64   // the priors' noise level
	MaxMemory int64     // 0: DefaultMaxMemory
}

// DefaultTrajectoriesOptions is `pfgm plot --trajectories`'s defaults.
func DefaultTrajectoriesOptions() TrajectoriesOptions {
	return TrajectoriesOptions{Charges: DefaultCharges, Seed: 1, Ds: []float64{1, 4, 64, math.Inf(1)}, N: 200, Steps: 60, SigmaMax: 80}
}

// Trajectories samples opt.N points with the exact field of the
// standardised data for each D and draws their paths. The view is the
// data's box (±3.5 standard deviations): the paths start far outside it at
// σ_max, and what explains each model is how they come in — nearly
// straight radial rays that spread over the data for small D, paths that
// first collapse onto the mean and then fan out for D = ∞. A second row
// shows why: the distance ‖x‖ from the data's centre against σ, both on
// log scales. Yukawa panels (one per mass) follow in the first row.
func Trajectories(ctx context.Context, opt TrajectoriesOptions) (*PlotResult, error) {
	switch {
	case opt.Data == "":
		return nil, errors.New("trajectories need data (toy:NAME or a .csv/.npy file)")
	case len(opt.Ds) == 0:
		return nil, errors.New("trajectories need at least one D")
	case opt.N < 1:
		return nil, fmt.Errorf("n %d: need at least 1 trajectory", opt.N)
	case opt.Steps < 1:
		return nil, fmt.Errorf("steps %d: need at least 1 step", opt.Steps)
	case !(opt.SigmaMax > 0) || math.IsInf(opt.SigmaMax, 0):
		return nil, fmt.Errorf("sigma-max %v: want a positive number", opt.SigmaMax)
	}
	for _, D := range opt.Ds {
		if !process.ValidD(D) {
			return nil, fmt.Errorf("D %v: want an integer ≥ 1 or inf", D)
		}
	}
	for _, m := range opt.Masses {
		if !(m > 0) || math.IsInf(m, 0) {
			return nil, fmt.Errorf("m %v: want positive masses", m)
		}
	}
	vals, dim, err := pointsEstimate(opt.Data, opt.Charges)
	if err != nil {
		return nil, err
	}
	var e estimate
	e.add("the charges", vals, 8, 3)
	// Each panel records every path at every σ, then copies it twice.
	e.add(fmt.Sprintf("%d panels of %d paths × %d steps", len(opt.Ds)+len(opt.Masses), opt.N, opt.Steps),
		len(opt.Ds)+len(opt.Masses), opt.N, max(dim, 2), 2*opt.Steps+2, 8, 3)
	if err := e.check("the trajectories", opt.MaxMemory); err != nil {
		return nil, err
	}
	pts, err := loadPoints(ctx, opt.Data, opt.Charges, opt.Seed)
	if err != nil {
		return nil, err
	}
	if pts.Dim < 2 {
		return nil, fmt.Errorf("trajectories need data of at least 2 dimensions, got %d", pts.Dim)
	}
	_, z, err := standardize(pts)
	if err != nil {
		return nil, err
	}
	panels, err := trajectoryPanels(ctx, z, opt)
	if err != nil {
		return nil, plainCancel(ctx, err)
	}
	cols := len(opt.Ds)
	if len(opt.Masses) > 0 {
		yk, err := yukawaPanels(ctx, z, opt)
		if err != nil {
			return nil, plainCancel(ctx, err)
		}
		// One row of paths: the Poisson panels, then the Yukawa ones.
		panels = append(panels[:len(opt.Ds)], yk...)
		cols += len(yk)
	}
	return &PlotResult{Panels: panels, Cols: cols, Cell: 420}, nil
}

// trajectoryPanels draws the paths of each D and, in a second row, their
// distance from the centre against σ.
func trajectoryPanels(ctx context.Context, z *data.Points, opt TrajectoriesOptions) ([]plot.Panel, error) {
	dataXY := xy(z)
	n := opt.N
	var panels, radii []plot.Panel
	for _, D := range opt.Ds {
		ex, err := field.New(z.X, z.Dim, D)
		if err != nil {
			return nil, err
		}
		p, err := process.New(D)
		if err != nil {
			return nil, err
		}
		so := sampler.DefaultOptions()
		so.Steps, so.SigmaMax, so.Record = opt.Steps, opt.SigmaMax, true
		x := p.Prior(rand.New(rand.NewPCG(opt.Seed, sampleStream)), n, z.Dim, opt.SigmaMax)
		res, err := sampler.Sample(ctx, ex, x, so)
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
			Title:  fmt.Sprintf("D=%s: paths from sigma %g to 0 (NFE %d)", process.FormatD(D), opt.SigmaMax, res.NFE),
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

// yukawaPanels draws the exact-field Yukawa paths (D = 1, t from 20 to 0)
// for each mass, without resampling so that each path is one particle's;
// the particles within 10× of the heaviest weight are drawn darker.
func yukawaPanels(ctx context.Context, z *data.Points, opt TrajectoriesOptions) ([]plot.Panel, error) {
	dataXY := xy(z)
	n := opt.N
	var panels []plot.Panel
	for _, m := range opt.Masses {
		fld, err := yukawa.NewField(z.X, z.Dim, yukawa.Process{M: m, D: 1})
		if err != nil {
			return nil, err
		}
		yo := yukawa.DefaultOptions()
		yo.Steps, yo.ESSThreshold, yo.Record = opt.Steps, 0, true
		rng := rand.New(rand.NewPCG(opt.Seed, sampleStream))
		x := fld.Prior(rng, n, yo.TMax)
		res, err := yukawa.Sample(ctx, fld, x, rng, yo)
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
			if res.LogW[i] > maxW-math.Log(10) {
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

// LossOptions choose the loss-curve picture of a training run.
type LossOptions struct {
	Run string // the run directory
}

// Loss draws a run's loss per step and its running mean over 1 % of the
// steps (the raw curve is noisy: every step draws its own σ).
func Loss(ctx context.Context, opt LossOptions) (*PlotResult, error) {
	losses, err := train.ReadLosses(opt.Run)
	if err != nil {
		return nil, err
	}
	if len(losses) == 0 {
		return nil, fmt.Errorf("%s: no losses recorded yet", opt.Run)
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
	return &PlotResult{Panels: []plot.Panel{{
		Title: fmt.Sprintf("%s: loss per step and its running mean over %d steps", filepath.Base(filepath.Clean(opt.Run)), w),
		LogY:  true,
		Layers: []plot.Layer{
			plot.Paths{Paths: [][]float64{raw}, Color: plot.WithAlpha(plot.Palette(0), 0.25), Width: 1},
			plot.Paths{Paths: [][]float64{mean}, Color: plot.Palette(1), Width: 2},
		},
	}}, Cols: 1, Cell: 640}, nil
}
