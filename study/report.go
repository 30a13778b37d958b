package study

import (
	"cmp"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/internal/chart"
)

// chartSpec describes one chart of a study: its cells carry Chart == Name.
type chartSpec struct {
	Name, Title, XLabel string
	LogX                bool
	// Loss charts the held-out loss instead of the sliced W2.
	Loss bool
	// NoFloor leaves out the floor line (charts of distances between
	// sample sets rather than to held-out data).
	NoFloor bool
	// Paired charts Cell.Paired (the limit study's paired distance).
	Paired bool
	// From, if set, takes the cells of that chart instead of Name's.
	From string
	// XTicks labels the x axis (nil: numbers).
	XTicks []chart.Tick
}

// point is the seed-mean of a line at one x.
type point struct {
	x, y, nfe float64
	n         int
}

// lines averages the chart's cells over seeds: line name → points by x.
func lines(e *env, cs chartSpec) (names []string, byLine map[string][]point) {
	byLine = map[string][]point{}
	for _, c := range e.cellsOf(cmp.Or(cs.From, cs.Name)) {
		y := c.SW2
		switch {
		case cs.Loss:
			y = c.Loss
		case cs.Paired:
			y = c.Paired
		}
		ps := byLine[c.Line]
		if len(ps) == 0 {
			names = append(names, c.Line)
		}
		if k := len(ps) - 1; k >= 0 && ps[k].x == c.X {
			ps[k].y += y
			ps[k].nfe += float64(c.NFE)
			ps[k].n++
		} else {
			ps = append(ps, point{x: c.X, y: y, nfe: float64(c.NFE), n: 1})
		}
		byLine[c.Line] = ps
	}
	for _, ps := range byLine {
		for i := range ps {
			ps[i].y /= float64(ps[i].n)
			ps[i].nfe /= float64(ps[i].n)
		}
	}
	return names, byLine
}

func drawChart(e *env, cs chartSpec, floor float64) error {
	names, byLine := lines(e, cs)
	if len(names) == 0 {
		return nil
	}
	spec := chart.Spec{Title: cs.Title, XLabel: cs.XLabel, LogX: cs.LogX, LogY: true, XTicks: cs.XTicks,
		YLabel: "sliced W2 to held-out (data units, log)"}
	if cs.NoFloor {
		spec.YLabel = "sliced W2 to D=∞ samples (data units, log)"
	}
	if cs.Paired {
		spec.YLabel = "RMS distance to the paired D=∞ sample (data units, log)"
	}
	if cs.Loss {
		spec.YLabel = "held-out denoising loss λ(σ)‖D−y‖²/N (log)"
	}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, n := range names {
		s := chart.Series{Name: n}
		for _, p := range byLine[n] {
			s.X, s.Y = append(s.X, p.x), append(s.Y, p.y)
			xmin, xmax = min(xmin, p.x), max(xmax, p.x)
		}
		spec.Series = append(spec.Series, s)
	}
	if !cs.Loss && !cs.NoFloor && floor > 0 {
		spec.Series = append(spec.Series, chart.Series{Name: "floor (training points)", X: []float64{xmin, xmax}, Y: []float64{floor, floor}})
	}
	return chart.Write(filepath.Join(e.o.Dir, cs.Name), spec)
}

// writeMarkdown writes results.md: per chart, a table with one row per x
// and one column per line (seed means).
func writeMarkdown(e *env, charts []chartSpec, floor float64) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# study %s\n\n", e.name)
	if e.res.Command != "" {
		fmt.Fprintf(&b, "Command: `%s`\n\n", e.res.Command)
	}
	fmt.Fprintf(&b, "Sliced W2 to held-out points in data units (mean over seeds); the floor, %d training points against the held-out set, is %.4g.\n\n", min(e.o.Samples, e.trainP.N()), floor)
	for _, cs := range charts {
		names, byLine := lines(e, cs)
		if len(names) == 0 {
			continue
		}
		metric := "sliced W2"
		switch {
		case cs.Loss:
			metric = "held-out loss"
		case cs.Paired:
			metric = "paired RMS distance"
		}
		fmt.Fprintf(&b, "## %s\n\n![%s](%s.svg)\n\n%s by %s:\n\n| %s |", cs.Title, cs.Name, cs.Name, metric, cs.XLabel, cs.XLabel)
		for _, n := range names {
			fmt.Fprintf(&b, " %s |", n)
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(names)) + "\n")
		var xs []float64
		for _, n := range names {
			for _, p := range byLine[n] {
				if !slices.Contains(xs, p.x) {
					xs = append(xs, p.x)
				}
			}
		}
		slices.Sort(xs)
		for _, x := range xs {
			label := fmt.Sprintf("%g", x)
			for _, t := range cs.XTicks {
				if t.At == x {
					label = t.Label
				}
			}
			fmt.Fprintf(&b, "| %s |", label)
			for _, n := range names {
				cell := " – |"
				for _, p := range byLine[n] {
					if p.x == x {
						cell = fmt.Sprintf(" %.4g |", p.y)
					}
				}
				b.WriteString(cell)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return atomicfile.WriteFile(filepath.Join(e.o.Dir, "results.md"), []byte(b.String()))
}
