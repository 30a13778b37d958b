package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/pfgm/pfgm/internal/atomicfile"
)

// Rect is a rectangle in data coordinates.
type Rect struct {
	MinX, MinY, MaxX, MaxY float64
}

// Panel is one plot: an axes box, a title and layers drawn in order.
type Panel struct {
	Title string
	// Bounds is the visible data rectangle; nil fits all layers with a 5 %
	// margin.
	Bounds *Rect
	// Equal makes one data unit the same length on both axes (bounds are
	// widened to fit), as a scatter plot of 2-D points usually wants.
	Equal bool
	// LogY plots log10 of y values; tick labels show the original values.
	// All y values must then be positive.
	LogY   bool
	Layers []Layer
}

// Layer is something drawn inside a panel: Points, Paths or Arrows.
type Layer interface {
	extent(ext *extent)
	draw(c *canvas, tr transform)
}

// Points draws a filled disc at each (x, y) pair of XY. A translucent
// Color (e.g. color.NRGBA{A: 96}) shows density in crowded scatters.
type Points struct {
	XY     []float64 // x0, y0, x1, y1, …
	Color  color.Color
	Radius float64 // pixels; 0 means 1.5
}

// Paths draws each polyline of Paths, given as x, y pairs.
type Paths struct {
	Paths [][]float64
	Color color.Color
	Width float64 // pixels; 0 means 1.2
}

// Arrows draws an arrow from each (x, y) in XY to (x, y) + Scale·(u, v)
// with (u, v) from UV, as in a quiver plot of a vector field.
type Arrows struct {
	XY, UV []float64
	Scale  float64 // data units per unit of UV; 0 means 1
	Color  color.Color
	Width  float64 // pixels; 0 means 1
}

// Palette returns colour i of a set of PaletteSize distinct colours for
// layers, in order of use (blue, orange, green, red, purple, brown, pink,
// grey); i wraps around. It is a function, not a variable, so that no
// caller can recolour every other caller's plots.
func Palette(i int) color.NRGBA {
	palette := [PaletteSize]color.NRGBA{
		{31, 119, 180, 255},  // blue
		{255, 127, 14, 255},  // orange
		{44, 160, 44, 255},   // green
		{214, 39, 40, 255},   // red
		{148, 103, 189, 255}, // purple
		{140, 86, 75, 255},   // brown
		{227, 119, 194, 255}, // pink
		{127, 127, 127, 255}, // grey
	}
	return palette[(i%PaletteSize+PaletteSize)%PaletteSize]
}

// PaletteSize is the number of distinct colours of Palette.
const PaletteSize = 8

// WithAlpha returns c with opacity a in [0, 1].
func WithAlpha(c color.Color, a float64) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = uint8(math.Round(255 * math.Max(0, math.Min(1, a)) * float64(n.A) / 255))
	return n
}

// WritePanels draws panels on a grid of cols columns, each cell
// cellSize×cellSize pixels, and writes the PNG to path atomically.
func WritePanels(path string, panels []Panel, cols, cellSize int) error {
	img, err := RenderPanels(panels, cols, cellSize)
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return writePNG(path, img)
}

// RenderPanels is WritePanels without the file.
func RenderPanels(panels []Panel, cols, cellSize int) (*image.RGBA, error) {
	if len(panels) == 0 {
		return nil, errors.New("no panels")
	}
	if cols < 1 {
		return nil, fmt.Errorf("%d columns < 1", cols)
	}
	if cellSize < minCell {
		return nil, fmt.Errorf("cell size %d < %d pixels", cellSize, minCell)
	}
	cols = min(cols, len(panels))
	rows := (len(panels) + cols - 1) / cols
	c := newCanvas(cols*cellSize, rows*cellSize)
	for i := range panels {
		cell := image.Rect(0, 0, cellSize, cellSize).Add(image.Pt((i%cols)*cellSize, (i/cols)*cellSize))
		if err := drawPanel(c, cell, &panels[i]); err != nil {
			return nil, fmt.Errorf("panel %d (%q): %w", i+1, panels[i].Title, err)
		}
	}
	return c.img, nil
}

func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}

// LineChart writes a single-panel chart of ys against xs, e.g. a loss curve.
func LineChart(path, title string, xs, ys []float64, logY bool) error {
	if len(xs) != len(ys) {
		return fmt.Errorf("plot %s: %d x values but %d y values", path, len(xs), len(ys))
	}
	if len(xs) == 0 {
		return fmt.Errorf("plot %s: no values", path)
	}
	line := make([]float64, 0, 2*len(xs))
	for i := range xs {
		line = append(line, xs[i], ys[i])
	}
	p := Panel{Title: title, LogY: logY, Layers: []Layer{Paths{Paths: [][]float64{line}, Color: Palette(0), Width: 1.5}}}
	return WritePanels(path, []Panel{p}, 1, 480)
}
