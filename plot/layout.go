package plot

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Cell layout in pixels: room for the title above the axes box and for tick
// labels left of and below it.
const (
	marginTop    = 22
	marginBottom = 20
	marginLeft   = 46
	marginRight  = 12
	minCell      = 96
)

var (
	axisColor = color.NRGBA{60, 60, 60, 255}
	tickColor = color.NRGBA{235, 235, 235, 255}
	textColor = color.NRGBA{20, 20, 20, 255}
)

// plotArea is the axes box of a cell.
func plotArea(cell image.Rectangle) image.Rectangle {
	return image.Rect(cell.Min.X+marginLeft, cell.Min.Y+marginTop, cell.Max.X-marginRight, cell.Max.Y-marginBottom)
}

// transform maps data coordinates to pixel coordinates (y grows down).
type transform struct {
	b      Rect
	area   image.Rectangle
	sx, sy float64
	logY   bool
}

func newTransform(b Rect, area image.Rectangle, logY bool) transform {
	return transform{
		b: b, area: area, logY: logY,
		sx: float64(area.Dx()) / (b.MaxX - b.MinX),
		sy: float64(area.Dy()) / (b.MaxY - b.MinY),
	}
}

// px maps (x, y) to the pixel plane, with pixel centres at half-integers.
func (t transform) px(x, y float64) (float64, float64) {
	if t.logY {
		y = math.Log10(y)
	}
	return float64(t.area.Min.X) + (x-t.b.MinX)*t.sx, float64(t.area.Max.Y) - (y-t.b.MinY)*t.sy
}

// extent accumulates the data range of layers.
type extent struct {
	r    Rect
	ok   bool
	logY bool
	bad  error
}

func (e *extent) add(x, y float64) {
	if e.logY {
		if !(y > 0) {
			if e.bad == nil {
				e.bad = fmt.Errorf("log scale needs positive y, got %v", y)
			}
			return
		}
		y = math.Log10(y)
	}
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return
	}
	if !e.ok {
		e.r, e.ok = Rect{x, y, x, y}, true
		return
	}
	e.r.MinX, e.r.MaxX = math.Min(e.r.MinX, x), math.Max(e.r.MaxX, x)
	e.r.MinY, e.r.MaxY = math.Min(e.r.MinY, y), math.Max(e.r.MaxY, y)
}

func drawPanel(c *canvas, cell image.Rectangle, p *Panel) error {
	area := plotArea(cell)
	var b Rect
	if p.Bounds != nil {
		b = *p.Bounds
		if p.LogY {
			if !(b.MinY > 0) {
				return fmt.Errorf("log scale needs positive bounds, got MinY %v", b.MinY)
			}
			b.MinY, b.MaxY = math.Log10(b.MinY), math.Log10(b.MaxY)
		}
	} else {
		e := extent{logY: p.LogY}
		for _, l := range p.Layers {
			l.extent(&e)
		}
		if e.bad != nil {
			return e.bad
		}
		if !e.ok {
			e.r = Rect{-1, -1, 1, 1}
		}
		b = pad(e.r)
	}
	if !(b.MaxX > b.MinX) || !(b.MaxY > b.MinY) {
		return fmt.Errorf("empty bounds %+v", b)
	}
	if p.Equal {
		b = equalAspect(b, area)
	}
	tr := newTransform(b, area, p.LogY)

	xt, yt := niceTicks(b.MinX, b.MaxX, 5), niceTicks(b.MinY, b.MaxY, 5)
	if p.LogY {
		yt = logTicks(b.MinY, b.MaxY)
	}
	for _, v := range xt {
		x := float64(area.Min.X) + (v-b.MinX)*tr.sx
		c.fillRect(image.Rect(int(math.Round(x)), area.Min.Y, int(math.Round(x))+1, area.Max.Y), tickColor)
		s := tickLabel(v, false)
		c.text(int(math.Round(x))-textWidth(s)/2, area.Max.Y+14, s, textColor)
	}
	for _, v := range yt {
		y := float64(area.Max.Y) - (v-b.MinY)*tr.sy
		c.fillRect(image.Rect(area.Min.X, int(math.Round(y)), area.Max.X, int(math.Round(y))+1), tickColor)
		s := tickLabel(v, p.LogY)
		c.text(area.Min.X-4-textWidth(s), int(math.Round(y))+4, s, textColor)
	}

	c.clip = area
	for _, l := range p.Layers {
		l.draw(c, tr)
	}
	c.clip = c.img.Bounds()

	// Box on top of the layers so points at the edge do not hide it.
	c.strokeRect(area.Inset(-1), axisColor)
	if p.Title != "" {
		c.text(area.Min.X+(area.Dx()-textWidth(p.Title))/2, cell.Min.Y+15, p.Title, textColor)
	}
	return nil
}

func pad(r Rect) Rect {
	dx, dy := r.MaxX-r.MinX, r.MaxY-r.MinY
	if dx == 0 {
		dx = math.Max(1, math.Abs(r.MinX))
	}
	if dy == 0 {
		dy = math.Max(1, math.Abs(r.MinY))
	}
	return Rect{r.MinX - 0.05*dx, r.MinY - 0.05*dy, r.MaxX + 0.05*dx, r.MaxY + 0.05*dy}
}

func equalAspect(b Rect, area image.Rectangle) Rect {
	sx := (b.MaxX - b.MinX) / float64(area.Dx())
	sy := (b.MaxY - b.MinY) / float64(area.Dy())
	s := math.Max(sx, sy)
	cx, cy := (b.MinX+b.MaxX)/2, (b.MinY+b.MaxY)/2
	hx, hy := s*float64(area.Dx())/2, s*float64(area.Dy())/2
	return Rect{cx - hx, cy - hy, cx + hx, cy + hy}
}

// niceTicks returns about n round values (steps of 1, 2 or 5 × 10^k) in
// [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ts []float64
	for v := math.Ceil(lo/step) * step; v <= hi+1e-9*step; v += step {
		if math.Abs(v) < 1e-9*step {
			v = 0
		}
		ts = append(ts, v)
	}
	return ts
}

// logTicks returns tick positions (log10 values) for a log axis over
// [lo, hi]: whole decades when at least two fit, else 1-2-5 steps within
// the decades, else round values of the original scale.
func logTicks(lo, hi float64) []float64 {
	var ts []float64
	first, last := math.Ceil(lo), math.Floor(hi)
	if last-first >= 1 {
		step := math.Ceil((last - first + 1) / 6)
		for v := first; v <= last; v += step {
			ts = append(ts, v)
		}
		return ts
	}
	for k := math.Floor(lo); k <= math.Ceil(hi); k++ {
		for _, m := range []float64{1, 2, 5} {
			if v := k + math.Log10(m); v >= lo && v <= hi {
				ts = append(ts, v)
			}
		}
	}
	if len(ts) >= 3 {
		return ts
	}
	ts = ts[:0]
	for _, v := range niceTicks(math.Pow(10, lo), math.Pow(10, hi), 4) {
		if v > 0 {
			ts = append(ts, math.Log10(v))
		}
	}
	return ts
}

func tickLabel(v float64, log bool) string {
	if log {
		return strconv.FormatFloat(math.Pow(10, v), 'g', 3, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

var face = basicfont.Face7x13

func textWidth(s string) int { return font.MeasureString(face, s).Round() }

// text draws s with its baseline at y.
func (c *canvas) text(x, y int, s string, col color.Color) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
