package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/process"
)

func runField(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("field", "--data FILE|toy:NAME --D 1 --out FILE.png [--lines 48]", stderr)
	dataSpec := fs.String("data", "", "data: toy:NAME or a .csv/.npy file; the first coordinate is used")
	dFlag := fs.String("D", "1", "augmented dimensions: an integer ≥ 1 (the field needs a finite D)")
	charges := fs.Int("charges", 2000, "points drawn from a toy set to act as the charges")
	lines := fs.Int("lines", 48, "number of field lines")
	seed := fs.Uint64("seed", 1, "random seed (toy data)")
	out := fs.String("out", "", "output .png")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	D, err := process.ParseD(*dFlag)
	if err != nil {
		return fmt.Errorf("--D: %w", err)
	}
	if math.IsInf(D, 1) {
		return errors.New("--D inf has no augmented space to draw; give an integer ≥ 1")
	}
	if *lines < 1 {
		return fmt.Errorf("--lines %d: need at least 1 line", *lines)
	}
	if *dataSpec == "" {
		return errors.New("--data is required (toy:NAME or a .csv/.npy file)")
	}
	if err := checkOutExt(*out, ".png"); err != nil {
		return err
	}
	pts, err := loadPoints(*dataSpec, *charges, *seed)
	if err != nil {
		return err
	}
	// The first coordinate, standardised: 1-D charges on the line r = 0.
	one := data.NewPoints(pts.N(), 1)
	for i := range pts.N() {
		one.X[i] = pts.Row(i)[0]
	}
	std := data.FitStandardizer(one)
	if err := std.Apply(one); err != nil {
		return err
	}
	ex, err := field.New(one.X, 1, D)
	if err != nil {
		return err
	}
	panel, err := fieldPanel(ctx, ex, one.X, D, *lines)
	if err != nil {
		return err
	}
	return plot.WritePanels(*out, []plot.Panel{panel}, 1, 720)
}

// fieldPanel draws field lines in the (x, r) half-plane. They start on a
// half-circle of radius R around the charges' mean, at angles spaced by
// equal flux (field.EqualFluxAngles), and are traced against the field
// down to the charges, so the picture shows both the geometry and why
// sampling along them works.
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
