package plot

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/pfgm/pfgm/data"
)

// errNoData is returned for image grids without images.
var errNoData = errors.New("no images")

// gridGap is the white space between images in a grid, in pixels.
const gridGap = 2

// ImageGrid writes the images as a PNG grid of cols columns at their own
// resolution, values in [−1, 1] mapped to [0, 255] (clamped). One channel
// is grey, three RGB, four RGBA.
func ImageGrid(path string, imgs *data.Images, cols int) error {
	img, err := RenderImageGrid(imgs, cols)
	if err != nil {
		return fmt.Errorf("image grid %s: %w", path, err)
	}
	return writePNG(path, img)
}

// ImageGridRaw is ImageGrid for raw N×C×H×W values.
func ImageGridRaw(path string, x []float32, n, c, h, w, cols int) error {
	return ImageGrid(path, &data.Images{N: n, C: c, H: h, W: w, X: x}, cols)
}

// RenderImageGrid is ImageGrid without the file.
func RenderImageGrid(imgs *data.Images, cols int) (*image.NRGBA, error) {
	if imgs == nil || imgs.N == 0 {
		return nil, errNoData
	}
	if err := imgs.Validate(); err != nil {
		return nil, err
	}
	if imgs.C != 1 && imgs.C != 3 && imgs.C != 4 {
		return nil, fmt.Errorf("%d channels: want 1, 3 or 4", imgs.C)
	}
	if cols < 1 {
		return nil, fmt.Errorf("%d columns < 1", cols)
	}
	cols = min(cols, imgs.N)
	rows := (imgs.N + cols - 1) / cols
	W := cols*imgs.W + (cols+1)*gridGap
	H := rows*imgs.H + (rows+1)*gridGap
	out := image.NewNRGBA(image.Rect(0, 0, W, H))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	plane := imgs.H * imgs.W
	for k := range imgs.N {
		x0 := gridGap + (k%cols)*(imgs.W+gridGap)
		y0 := gridGap + (k/cols)*(imgs.H+gridGap)
		im := imgs.Image(k)
		for y := range imgs.H {
			for x := range imgs.W {
				j := y*imgs.W + x
				var c color.NRGBA
				switch imgs.C {
				case 1:
					g := toByte(im[j])
					c = color.NRGBA{g, g, g, 255}
				case 3:
					c = color.NRGBA{toByte(im[j]), toByte(im[plane+j]), toByte(im[2*plane+j]), 255}
				case 4:
					c = color.NRGBA{toByte(im[j]), toByte(im[plane+j]), toByte(im[2*plane+j]), toByte(im[3*plane+j])}
				}
				out.SetNRGBA(x0+x, y0+y, c)
			}
		}
	}
	return out, nil
}

// toByte maps [−1, 1] to [0, 255]; NaN becomes 0.
func toByte(v float32) uint8 {
	f := (float64(v) + 1) * 127.5
	if !(f > 0) {
		return 0
	}
	return uint8(math.Min(255, math.Round(f)))
}
