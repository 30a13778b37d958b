package plot

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/pfgm/pfgm/data"
)

func decode(t *testing.T, path string) image.Image {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s does not decode as PNG: %v", path, err)
	}
	return img
}

func rgb(c color.Color) (r, g, b uint8) {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return n.R, n.G, n.B
}

func TestPointLandsAtExpectedPixel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.png")
	red := color.NRGBA{255, 0, 0, 255}
	blue := color.NRGBA{0, 0, 255, 255}
	p := Panel{
		Title:  "one point",
		Bounds: &Rect{0, 0, 10, 10},
		Layers: []Layer{
			Points{XY: []float64{5, 5}, Color: red, Radius: 3},
			Points{XY: []float64{2.5, 7.5}, Color: blue, Radius: 3},
		},
	}
	const cell = 200
	if err := WritePanels(path, []Panel{p, p}, 2, cell); err != nil {
		t.Fatal(err)
	}
	img := decode(t, path)
	if img.Bounds().Dx() != 2*cell || img.Bounds().Dy() != cell {
		t.Fatalf("size %v, want %d×%d", img.Bounds(), 2*cell, cell)
	}
	// The axes box spans x ∈ [46, 188), y ∈ [22, 180) of each cell: 142 ×
	// 158 pixels. Data (5, 5) is its centre, (2.5, 7.5) a quarter in from
	// the top-left.
	for _, off := range []int{0, cell} {
		cx, cy := off+46+71, 22+79
		if r, g, b := rgb(img.At(cx, cy)); r != 255 || g != 0 || b != 0 {
			t.Fatalf("pixel (%d, %d) = %d,%d,%d; want red", cx, cy, r, g, b)
		}
		bx, by := off+46+35, 22+39 // 142/4 = 35.5, 158/4 = 39.5
		if r, g, b := rgb(img.At(bx, by)); r != 0 || g != 0 || b != 255 {
			t.Fatalf("pixel (%d, %d) = %d,%d,%d; want blue", bx, by, r, g, b)
		}
		// Background far from both points is white.
		if r, g, b := rgb(img.At(off+46+120, 22+140)); r != 255 || g != 255 || b != 255 {
			t.Fatalf("background = %d,%d,%d; want white", r, g, b)
		}
		// The axes box frame is dark.
		if r, _, _ := rgb(img.At(off+45, 22+100)); r > 100 {
			t.Fatalf("no axes box at the left edge: red channel %d", r)
		}
	}
}

func TestTranslucentPointsBlend(t *testing.T) {
	c := newCanvas(10, 10)
	half := color.NRGBA{0, 0, 0, 128}
	c.disc(5, 5, 3, half)
	if r, _, _ := rgb(c.img.At(5, 5)); r < 125 || r > 129 {
		t.Fatalf("one half-black disc over white: %d, want ≈ 127", r)
	}
	c.disc(5, 5, 3, half)
	if r, _, _ := rgb(c.img.At(5, 5)); r < 61 || r > 65 {
		t.Fatalf("two half-black discs over white: %d, want ≈ 63", r)
	}
}

func TestLineCoversItsPixels(t *testing.T) {
	c := newCanvas(20, 20)
	black := color.NRGBA{0, 0, 0, 255}
	c.segment(2, 10.5, 18, 10.5, 1, black)
	if r, _, _ := rgb(c.img.At(10, 10)); r != 0 {
		t.Fatalf("on the line: %d, want 0", r)
	}
	if r, _, _ := rgb(c.img.At(10, 13)); r != 255 {
		t.Fatalf("off the line: %d, want 255", r)
	}
}

func TestAutoBoundsAndLayers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pts, _ := data.Toy("moons", 2000, rng)
	traj := [][]float64{{-3, -3, 0, 0, 3, 3}, {0, 0, math.NaN(), 1, 2, 2}}
	panels := []Panel{
		{Title: "moons", Equal: true, Layers: []Layer{Points{XY: pts.X, Color: WithAlpha(Palette(0), 0.3)}}},
		{Title: "paths", Layers: []Layer{Paths{Paths: traj, Color: Palette(1), Width: 2}}},
		{Title: "field", Layers: []Layer{Arrows{XY: []float64{0, 0, 1, 1}, UV: []float64{1, 0, 0, -1}, Scale: 0.5}}},
	}
	img, err := RenderPanels(panels, 2, 160)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 320 || img.Bounds().Dy() != 320 {
		t.Fatalf("3 panels on 2 columns: %v, want 320×320", img.Bounds())
	}
	// The moons panel is not blank: some pixel inside the box is blue-ish.
	found := false
	area := plotArea(image.Rect(0, 0, 160, 160))
	for y := area.Min.Y; y < area.Max.Y && !found; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			if r, _, b := rgb(img.At(x, y)); b > r+40 {
				found = true
				break
			}
		}
	}
	if !found {
		t.Fatal("no points drawn in the moons panel")
	}
}

func TestPanelErrors(t *testing.T) {
	if _, err := RenderPanels(nil, 1, 200); err == nil {
		t.Fatal("no panels: no error")
	}
	if _, err := RenderPanels([]Panel{{}}, 1, 10); err == nil {
		t.Fatal("tiny cell: no error")
	}
	bad := Panel{LogY: true, Layers: []Layer{Paths{Paths: [][]float64{{0, 1, 1, 0}}}}}
	if _, err := RenderPanels([]Panel{bad}, 1, 200); err == nil {
		t.Fatal("log scale with y = 0: no error")
	}
	if _, err := RenderPanels([]Panel{{Bounds: &Rect{0, 0, 0, 1}}}, 1, 200); err == nil {
		t.Fatal("empty bounds: no error")
	}
}

func TestLineChart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loss.png")
	xs := []float64{1, 2, 3, 4, 5}
	ys := []float64{10, 3, 1, 0.3, 0.1}
	if err := LineChart(path, "loss", xs, ys, true); err != nil {
		t.Fatal(err)
	}
	if img := decode(t, path); img.Bounds().Dx() != 480 {
		t.Fatalf("size %v", img.Bounds())
	}
	if err := LineChart(path, "x", xs, ys[:2], false); err == nil {
		t.Fatal("length mismatch: no error")
	}
}

func TestImageGrid(t *testing.T) {
	// Five 3×4 RGB images: image k is uniformly red, green or blue by k%3.
	const n, c, h, w = 5, 3, 3, 4
	x := make([]float32, n*c*h*w)
	for i := range x {
		x[i] = -1
	}
	for k := range n {
		ch := k % 3
		for j := range h * w {
			x[k*c*h*w+ch*h*w+j] = 1
		}
	}
	path := filepath.Join(t.TempDir(), "grid.png")
	if err := ImageGridRaw(path, x, n, c, h, w, 2); err != nil {
		t.Fatal(err)
	}
	img := decode(t, path)
	// 2 columns × 3 rows with 2-pixel gaps.
	if img.Bounds().Dx() != 2*w+3*gridGap || img.Bounds().Dy() != 3*h+4*gridGap {
		t.Fatalf("size %v, want %d×%d", img.Bounds(), 2*w+3*gridGap, 3*h+4*gridGap)
	}
	want := [][3]uint8{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}}
	for k := range n {
		px := gridGap + (k%2)*(w+gridGap) + 1
		py := gridGap + (k/2)*(h+gridGap) + 1
		r, g, b := rgb(img.At(px, py))
		if [3]uint8{r, g, b} != want[k%3] {
			t.Fatalf("image %d at (%d, %d) = %v, want %v", k, px, py, [3]uint8{r, g, b}, want[k%3])
		}
	}
	// Grey: −1 → 0, 0 → 128 (127.5 rounded), 1 → 255.
	gray := &data.Images{N: 1, C: 1, H: 1, W: 3, X: []float32{-1, 0, 1}}
	gi, err := RenderImageGrid(gray, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []uint8{0, 128, 255} {
		if r, _, _ := rgb(gi.At(gridGap+i, gridGap)); r != v {
			t.Fatalf("grey value %d → %d, want %d", i, r, v)
		}
	}
	if err := ImageGridRaw(path, x, n, 2, h, w, 2); err == nil {
		t.Fatal("2 channels: no error")
	}
}

func TestLogTicks(t *testing.T) {
	got := logTicks(math.Log10(0.05), math.Log10(200))
	want := []float64{-1, 0, 1, 2}
	if len(got) != len(want) {
		t.Fatalf("decades: %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("decades: %v, want %v", got, want)
		}
	}
	// Within less than two decades: 0.2, 0.5, 1, 2.
	got = logTicks(math.Log10(0.15), math.Log10(3))
	if len(got) != 4 || math.Abs(math.Pow(10, got[0])-0.2) > 1e-12 || math.Abs(math.Pow(10, got[3])-2) > 1e-12 {
		t.Fatalf("1-2-5 ticks: %v", got)
	}
}

func TestPaletteDistinctAndWrapping(t *testing.T) {
	seen := map[color.NRGBA]bool{}
	for i := range PaletteSize {
		c := Palette(i)
		if seen[c] || c.A != 255 {
			t.Fatalf("colour %d %v repeats or is not opaque", i, c)
		}
		seen[c] = true
		if Palette(i+PaletteSize) != c || Palette(i-PaletteSize) != c {
			t.Fatalf("colour %d does not wrap", i)
		}
	}
	if Palette(0) != (color.NRGBA{31, 119, 180, 255}) {
		t.Fatalf("first colour %v, want the blue of matplotlib's tab10", Palette(0))
	}
}
