package plot

import (
	"math"
)

func (l Points) extent(e *extent) {
	for i := 0; i+1 < len(l.XY); i += 2 {
		e.add(l.XY[i], l.XY[i+1])
	}
}

func (l Points) draw(c *canvas, tr transform) {
	col := toNRGBA(l.Color, Palette(0))
	r := l.Radius
	if r <= 0 {
		r = 1.5
	}
	for i := 0; i+1 < len(l.XY); i += 2 {
		x, y := tr.px(l.XY[i], l.XY[i+1])
		if finite(x, y) {
			c.disc(x, y, r, col)
		}
	}
}

func (l Paths) extent(e *extent) {
	for _, p := range l.Paths {
		for i := 0; i+1 < len(p); i += 2 {
			e.add(p[i], p[i+1])
		}
	}
}

func (l Paths) draw(c *canvas, tr transform) {
	col := toNRGBA(l.Color, Palette(0))
	w := l.Width
	if w <= 0 {
		w = 1.2
	}
	var pts []float64
	for _, p := range l.Paths {
		pts = pts[:0]
		for i := 0; i+1 < len(p); i += 2 {
			x, y := tr.px(p[i], p[i+1])
			if !finite(x, y) {
				// A gap, not a line to infinity.
				c.polyline(pts, w, col)
				pts = pts[:0]
				continue
			}
			pts = append(pts, x, y)
		}
		c.polyline(pts, w, col)
	}
}

func (l Arrows) scale() float64 {
	if l.Scale == 0 {
		return 1
	}
	return l.Scale
}

func (l Arrows) extent(e *extent) {
	s := l.scale()
	for i := 0; i+1 < len(l.XY) && i+1 < len(l.UV); i += 2 {
		e.add(l.XY[i], l.XY[i+1])
		e.add(l.XY[i]+s*l.UV[i], l.XY[i+1]+s*l.UV[i+1])
	}
}

func (l Arrows) draw(c *canvas, tr transform) {
	col := toNRGBA(l.Color, Palette(0))
	w := l.Width
	if w <= 0 {
		w = 1
	}
	s := l.scale()
	for i := 0; i+1 < len(l.XY) && i+1 < len(l.UV); i += 2 {
		x0, y0 := tr.px(l.XY[i], l.XY[i+1])
		x1, y1 := tr.px(l.XY[i]+s*l.UV[i], l.XY[i+1]+s*l.UV[i+1])
		if !finite(x0, y0) || !finite(x1, y1) {
			continue
		}
		c.segment(x0, y0, x1, y1, w, col)
		// Head: two strokes at ±25° back from the tip, a third of the
		// shaft long but at most 6 pixels.
		dx, dy := x1-x0, y1-y0
		n := math.Hypot(dx, dy)
		if n < 1 {
			continue
		}
		hl := math.Min(6, n/3)
		ux, uy := dx/n, dy/n
		const ang = 25 * math.Pi / 180
		cs, sn := math.Cos(ang), math.Sin(ang)
		c.segment(x1, y1, x1-hl*(ux*cs-uy*sn), y1-hl*(uy*cs+ux*sn), w, col)
		c.segment(x1, y1, x1-hl*(ux*cs+uy*sn), y1-hl*(uy*cs-ux*sn), w, col)
	}
}

func finite(x, y float64) bool {
	return !math.IsNaN(x) && !math.IsNaN(y) && !math.IsInf(x, 0) && !math.IsInf(y, 0)
}
