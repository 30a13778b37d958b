package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/process"
)

// FieldLinesOptions choose the field-line picture of a data set's first
// coordinate in the (x, r) half-plane.
type FieldLinesOptions struct {
	Data      string  // toy:NAME or a .csv/.npy file; the first coordinate is used
	Charges   int     // points drawn from a toy set
	Seed      uint64  // the toy set's draw
	D         float64 // augmented dimensions: a finite integer ≥ 1
	Lines     int     // number of field lines (≥ 1)
	MaxMemory int64   // 0: DefaultMaxMemory
}

// DefaultFieldLinesOptions is `pfgm field`'s defaults: D = 128 (the
// toolkit's default; D = 1 is the original PFGM), 48 lines.
func DefaultFieldLinesOptions() FieldLinesOptions {
	return FieldLinesOptions{Charges: DefaultCharges, Seed: 1, D: 128, Lines: 48}
}

// traceSteps is how many points field.Exact.TraceLine returns a line (400
// Heun steps), for the memory estimate.
const traceSteps = 401

// FieldLines draws the field lines of the standardised first coordinate
// of the data. They start on a half-circle of radius R around the
// charges' mean, at angles spaced by equal flux (field.EqualFluxAngles),
// and are traced against the field down to the charges.
func FieldLines(ctx context.Context, opt FieldLinesOptions) (*PlotResult, error) {
	switch {
	case opt.Data == "":
		return nil, errors.New("no data given (want toy:NAME or a .csv/.npy file)")
	case !process.ValidD(opt.D):
		return nil, fmt.Errorf("D %v: want an integer ≥ 1", opt.D)
	case math.IsInf(opt.D, 1):
		return nil, errors.New("D inf has no augmented space to draw; give an integer ≥ 1")
	case opt.Lines < 1:
		return nil, fmt.Errorf("lines %d: need at least 1 line", opt.Lines)
	}
	vals, _, err := pointsEstimate(opt.Data, opt.Charges)
	if err != nil {
		return nil, err
	}
	var e estimate
	e.add("the charges", vals, 8, 3)
	e.add(fmt.Sprintf("%d lines", opt.Lines), opt.Lines, traceSteps, 2, 8, 2)
	if err := e.check("the field lines", opt.MaxMemory); err != nil {
		return nil, err
	}
	pts, err := loadPoints(ctx, opt.Data, opt.Charges, opt.Seed)
	if err != nil {
		return nil, err
	}
	// The first coordinate, standardised: 1-D charges on the line r = 0.
	one := data.NewPoints(pts.N(), 1)
	for i := range pts.N() {
		one.X[i] = pts.Row(i)[0]
	}
	std := data.FitStandardizer(one)
	if err := std.Apply(one); err != nil {
		return nil, err
	}
	ex, err := field.New(one.X, 1, opt.D)
	if err != nil {
		return nil, err
	}
	panel, err := fieldPanel(ctx, ex, one.X, opt.D, opt.Lines)
	if err != nil {
		return nil, err
	}
	return &PlotResult{Panels: []plot.Panel{panel}, Cols: 1, Cell: 720}, nil
}

// fieldPanel traces and draws the lines.
func fieldPanel(ctx context.Context, ex *field.Exact, xs []float64, D float64, lines int) (plot.Panel, error) {
	lo, hi := math.Inf(1), math.Inf(-1)
	var mean float64
	for _, v := range xs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		mean += v / float64(len(xs))
	}
	R := 2.5 * math.Max(hi-mean, mean-lo)
	thetas := field.EqualFluxAngles(D, lines)
	paths := make([][]float64, 0, lines)
	ends := make([]float64, 0, 2*lines)
	for _, th := range thetas {
		if err := ctx.Err(); err != nil {
			return plot.Panel{}, err
		}
		p, err := ex.TraceLine(mean+R*math.Sin(th), R*math.Cos(th), 1e-3*R)
		if err != nil {
			return plot.Panel{}, err
		}
		paths = append(paths, p)
		ends = append(ends, p[len(p)-2], p[len(p)-1])
	}
	charges := make([]float64, 0, 2*len(xs))
	for _, v := range xs {
		charges = append(charges, v, 0)
	}
	b := plot.Rect{MinX: mean - R, MinY: 0, MaxX: mean + R, MaxY: R}
	return plot.Panel{
		Title:  fmt.Sprintf("field lines of %d charges in (x, r), D=%s, equal flux between lines", len(xs), process.FormatD(D)),
		Bounds: &b,
		Equal:  true,
		Layers: []plot.Layer{
			plot.Paths{Paths: paths, Color: plot.WithAlpha(plot.Palette(0), 0.8), Width: 1.2},
			plot.Points{XY: charges, Color: plot.WithAlpha(plot.Palette(3), 0.15), Radius: 2},
			plot.Points{XY: ends, Color: plot.Palette(3), Radius: 2.5},
		},
	}, nil
}
