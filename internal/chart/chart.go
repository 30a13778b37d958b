// Package chart draws the line charts of the studies and of tune-d with
// gonum.org/v1/plot, as PNG and SVG side by side, written atomically.
package chart

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/pfgm/pfgm/internal/atomicfile"
)

// Series is one line: points (X[i], Y[i]); non-finite Y are left out.
type Series struct {
	Name string
	X, Y []float64
}

// Spec describes a chart. XTicks, if set, replaces the x axis's numbers
// by labels at the given positions (for categorical axes such as D with ∞).
type Spec struct {
	Title, XLabel, YLabel string
	LogX, LogY            bool
	XTicks                []Tick
	Series                []Series
}

// Tick is a labelled position on the x axis.
type Tick struct {
	At    float64
	Label string
}

type fixedTicks []Tick

func (f fixedTicks) Ticks(min, max float64) []plot.Tick {
	out := make([]plot.Tick, len(f))
	for i, t := range f {
		out[i] = plot.Tick{Value: t.At, Label: t.Label}
	}
	return out
}

// Write draws s to base+".png" and base+".svg".
func Write(base string, s Spec) error {
	p := plot.New()
	p.Title.Text = s.Title
	p.X.Label.Text, p.Y.Label.Text = s.XLabel, s.YLabel
	if s.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	}
	if s.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	}
	if len(s.XTicks) > 0 {
		p.X.Tick.Marker = fixedTicks(s.XTicks)
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	drawn := 0
	for i, ser := range s.Series {
		var xy plotter.XYs
		for j := range ser.X {
			if j < len(ser.Y) && !math.IsNaN(ser.Y[j]) && !math.IsInf(ser.Y[j], 0) && (!s.LogY || ser.Y[j] > 0) {
				xy = append(xy, plotter.XY{X: ser.X[j], Y: ser.Y[j]})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return fmt.Errorf("chart %s: %w", base, err)
		}
		c := plotutil.Color(i)
		l.Color, pts.Color = c, c
		pts.Shape = plotutil.Shape(i)
		l.Width = vg.Points(1.5)
		p.Add(l, pts)
		p.Legend.Add(ser.Name, l, pts)
		drawn++
	}
	if drawn == 0 {
		return fmt.Errorf("chart %s: nothing to draw", base)
	}
	for _, format := range []string{"png", "svg"} {
		w, err := p.WriterTo(16*vg.Centimeter, 10*vg.Centimeter, format)
		if err != nil {
			return fmt.Errorf("chart %s: %w", base, err)
		}
		if err := atomicfile.WriteFunc(base+"."+format, func(out io.Writer) error {
			_, err := w.WriteTo(out)
			return err
		}); err != nil {
			return fmt.Errorf("chart %s: %w", base, err)
		}
	}
	return nil
}
