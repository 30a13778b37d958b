package plot

import (
	"image"
	"image/color"
	"math"
)

// canvas is an RGBA image with alpha blending and a clip rectangle; its
// per-pixel loops are the hot part of drawing large scatters.
type canvas struct {
	img  *image.RGBA
	clip image.Rectangle
}

func newCanvas(w, h int) *canvas {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return &canvas{img: img, clip: img.Bounds()}
}

func toNRGBA(c color.Color, fallback color.NRGBA) color.NRGBA {
	if c == nil {
		return fallback
	}
	return color.NRGBAModel.Convert(c).(color.NRGBA)
}

// blend paints col over pixel (x, y) with the given coverage in [0, 1].
func (c *canvas) blend(x, y int, col color.NRGBA, cover float64) {
	if !(image.Point{x, y}.In(c.clip)) || cover <= 0 {
		return
	}
	a := float64(col.A) / 255 * math.Min(cover, 1)
	i := c.img.PixOffset(x, y)
	p := c.img.Pix[i : i+4 : i+4]
	p[0] = uint8(float64(col.R)*a + float64(p[0])*(1-a) + 0.5)
	p[1] = uint8(float64(col.G)*a + float64(p[1])*(1-a) + 0.5)
	p[2] = uint8(float64(col.B)*a + float64(p[2])*(1-a) + 0.5)
	p[3] = uint8(255*a + float64(p[3])*(1-a) + 0.5)
}

func (c *canvas) fillRect(r image.Rectangle, col color.NRGBA) {
	r = r.Intersect(c.clip)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c.blend(x, y, col, 1)
		}
	}
}

func (c *canvas) strokeRect(r image.Rectangle, col color.NRGBA) {
	c.fillRect(image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), col)
	c.fillRect(image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), col)
	c.fillRect(image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), col)
	c.fillRect(image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y), col)
}

// disc fills a circle of radius r (pixels) centred at (cx, cy); edge
// pixels get partial coverage, which is what makes it look smooth.
func (c *canvas) disc(cx, cy, r float64, col color.NRGBA) {
	x0, x1 := int(math.Floor(cx-r-1)), int(math.Ceil(cx+r+1))
	y0, y1 := int(math.Floor(cy-r-1)), int(math.Ceil(cy+r+1))
	for y := y0; y <= y1; y++ {
		dy := float64(y) + 0.5 - cy
		for x := x0; x <= x1; x++ {
			dx := float64(x) + 0.5 - cx
			c.blend(x, y, col, r+0.5-math.Sqrt(dx*dx+dy*dy))
		}
	}
}

// segment draws a line of width w from (x0, y0) to (x1, y1).
func (c *canvas) segment(x0, y0, x1, y1, w float64, col color.NRGBA) {
	c.polyline([]float64{x0, y0, x1, y1}, w, col)
}

// polyline draws connected segments through the pixel points pts (x, y
// pairs). Coverage is collected first, as the maximum over segments, and
// blended once, so translucent lines do not darken at their joints.
// Coverage falls off linearly over the last pixel at the edges.
func (c *canvas) polyline(pts []float64, w float64, col color.NRGBA) {
	if len(pts) < 2 {
		return
	}
	h := w / 2
	minX, maxX, minY, maxY := pts[0], pts[0], pts[1], pts[1]
	for i := 2; i+1 < len(pts); i += 2 {
		minX, maxX = math.Min(minX, pts[i]), math.Max(maxX, pts[i])
		minY, maxY = math.Min(minY, pts[i+1]), math.Max(maxY, pts[i+1])
	}
	box := image.Rect(int(math.Floor(minX-h-1)), int(math.Floor(minY-h-1)),
		int(math.Ceil(maxX+h+1))+1, int(math.Ceil(maxY+h+1))+1).Intersect(c.clip)
	if box.Empty() {
		return
	}
	bw := box.Dx()
	cov := make([]float32, bw*box.Dy())
	if len(pts) == 2 {
		pts = []float64{pts[0], pts[1], pts[0], pts[1]} // a dot
	}
	for i := 0; i+3 < len(pts); i += 2 {
		x0, y0, x1, y1 := pts[i], pts[i+1], pts[i+2], pts[i+3]
		r := image.Rect(int(math.Floor(math.Min(x0, x1)-h-1)), int(math.Floor(math.Min(y0, y1)-h-1)),
			int(math.Ceil(math.Max(x0, x1)+h+1))+1, int(math.Ceil(math.Max(y0, y1)+h+1))+1).Intersect(box)
		dx, dy := x1-x0, y1-y0
		l2 := dx*dx + dy*dy
		for y := r.Min.Y; y < r.Max.Y; y++ {
			py := float64(y) + 0.5
			row := cov[(y-box.Min.Y)*bw:]
			for x := r.Min.X; x < r.Max.X; x++ {
				px := float64(x) + 0.5
				t := 0.0
				if l2 > 0 {
					t = math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
				}
				ex, ey := px-(x0+t*dx), py-(y0+t*dy)
				v := float32(h + 0.5 - math.Sqrt(ex*ex+ey*ey))
				if k := x - box.Min.X; v > row[k] {
					row[k] = v
				}
			}
		}
	}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		row := cov[(y-box.Min.Y)*bw:]
		for x := box.Min.X; x < box.Max.X; x++ {
			c.blend(x, y, col, float64(row[x-box.Min.X]))
		}
	}
}
