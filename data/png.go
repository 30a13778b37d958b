package data

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pfgm/pfgm/internal/regularfile"
)

// LoadPNGDir reads every .png file in dir (sorted by name, not recursing)
// as a size×size image with 1 (grey), 3 (RGB) or 4 (RGBA) channels scaled
// to [−1, 1]. Images of other sizes are resampled with an area-weighted box
// filter. For 1 or 3 channels transparent pixels are composited over white.
//
// Files that are not regular (a FIFO, a device) are refused, as are images
// whose header claims more than MaxPNGPixels pixels, before any pixel is
// decoded.
func LoadPNGDir(dir string, size, channels int) (*Images, error) {
	return loadPNGDir(dir, size, channels, MaxPNGPixels)
}

// MaxPNGPixels bounds width × height of one PNG file LoadPNGDir decodes
// (4096×4096): decoding and resampling take about 24 bytes a pixel.
const MaxPNGPixels = 1 << 24

// maxImageValues bounds N·C·size² of an image set built here (2³¹ float32
// values, 8 GiB).
const maxImageValues = 1 << 31

func loadPNGDir(dir string, size, channels, maxPixels int) (*Images, error) {
	if err := checkImageShape(size, channels); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".png") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no .png files in %s", regularfile.Name(dir))
	}
	slices.Sort(names)
	if err := checkImageCount(len(names), size, channels); err != nil {
		return nil, fmt.Errorf("%s: %w", regularfile.Name(dir), err)
	}
	im := &Images{N: len(names), C: channels, H: size, W: size, X: make([]float32, len(names)*channels*size*size)}
	for i, name := range names {
		path := filepath.Join(dir, name)
		src, err := decodePNG(path, maxPixels)
		if err != nil {
			return nil, err
		}
		toChannels(im.Image(i), resizeRGBA(src, size), channels, size*size)
	}
	return im, nil
}

// checkImageShape checks an output shape of LoadPNGDir and Resized.
func checkImageShape(size, channels int) error {
	if size < 1 || size > maxImageSize {
		return fmt.Errorf("image size %d is out of range [1, %d]", size, maxImageSize)
	}
	if channels != 1 && channels != 3 && channels != 4 {
		return fmt.Errorf("%d channels: want 1, 3 or 4", channels)
	}
	return nil
}

// maxImageSize bounds the side of the images LoadPNGDir and Resized make.
const maxImageSize = 4096

// checkImageCount refuses a set of n images whose storage would exceed
// maxImageValues.
func checkImageCount(n, size, channels int) error {
	if per := channels * size * size; n > maxImageValues/per {
		return fmt.Errorf("%d images of %d×%d×%d need %.3g GB, more than the limit of %d GB", n, channels, size, size, float64(n)*float64(per)*4/1e9, maxImageValues*4/1_000_000_000)
	}
	return nil
}

// decodePNG reads one PNG file (a regular file only) of at most
// maxPixels pixels.
func decodePNG(path string, maxPixels int) (image.Image, error) {
	b, err := regularfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, err := decodePNGBytes(b, maxPixels)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", regularfile.Name(path), err)
	}
	return img, nil
}

// decodePNGBytes decodes a PNG image after checking that its header's
// size is plausible: the decoder allocates the whole image from the
// header before it reads a pixel, so a 68-byte file could claim 40 GB.
func decodePNGBytes(b []byte, maxPixels int) (image.Image, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if cfg.Width < 1 || cfg.Height < 1 {
		return nil, fmt.Errorf("empty image (%d×%d)", cfg.Width, cfg.Height)
	}
	if cfg.Width > maxPixels/cfg.Height {
		return nil, fmt.Errorf("image of %d×%d pixels is larger than the limit of %d pixels", cfg.Width, cfg.Height, maxPixels)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if img.Bounds().Empty() {
		return nil, errors.New("empty image")
	}
	return img, nil
}

// resizeRGBA returns four premultiplied planes (R, G, B, A in [0, 1]) of
// img resampled to size×size. Resampling premultiplied values keeps the
// colour of transparent pixels from bleeding into their neighbours.
func resizeRGBA(img image.Image, size int) [4][]float32 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var src [4][]float32
	for k := range src {
		src[k] = make([]float32, w*h)
	}
	for y := range h {
		for x := range w {
			c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
			j := y*w + x
			src[0][j] = float32(c.R) / 255
			src[1][j] = float32(c.G) / 255
			src[2][j] = float32(c.B) / 255
			src[3][j] = float32(c.A) / 255
		}
	}
	rs := newResampler(h, w, size, size)
	var dst [4][]float32
	for k := range dst {
		dst[k] = make([]float32, size*size)
		rs.resize(dst[k], src[k])
	}
	return dst
}

// toChannels writes premultiplied RGBA planes as channels in [−1, 1].
func toChannels(dst []float32, p [4][]float32, channels, plane int) {
	for j := range plane {
		r, g, b, a := p[0][j], p[1][j], p[2][j], p[3][j]
		switch channels {
		case 4:
			if a > 0 {
				r, g, b = r/a, g/a, b/a
			}
			dst[j], dst[plane+j], dst[2*plane+j], dst[3*plane+j] = unit(r), unit(g), unit(b), unit(a)
		default:
			// Over white: premultiplied colour plus the white let through.
			r, g, b = r+1-a, g+1-a, b+1-a
			if channels == 3 {
				dst[j], dst[plane+j], dst[2*plane+j] = unit(r), unit(g), unit(b)
			} else {
				dst[j] = unit(0.299*r + 0.587*g + 0.114*b)
			}
		}
	}
}

// unit maps [0, 1] to [−1, 1], clamping rounding overshoot.
func unit(v float32) float32 {
	return min(max(2*v-1, -1), 1)
}

// resampler resizes sh×sw planes to dh×dw: each output pixel is the
// area-weighted mean of the source pixels its footprint covers (a box
// filter; exact for integer downscaling, nearest-like when enlarging). The
// weights and scratch row buffer are computed once for many planes.
type resampler struct {
	sh, sw, dh, dw int
	wx, wy         [][]tap
	tmp            []float32
}

func newResampler(sh, sw, dh, dw int) *resampler {
	return &resampler{sh: sh, sw: sw, dh: dh, dw: dw,
		wx: boxWeights(sw, dw), wy: boxWeights(sh, dh), tmp: make([]float32, sh*dw)}
}

// resize writes the resampled src into dst (len dh·dw).
func (r *resampler) resize(dst, src []float32) {
	if r.sh == r.dh && r.sw == r.dw {
		copy(dst, src)
		return
	}
	// Rows first, then columns: separable, O(pixels × footprint).
	sw, dw, tmp := r.sw, r.dw, r.tmp
	for y := range r.sh {
		row := src[y*sw : (y+1)*sw]
		for x, ws := range r.wx {
			s := float32(0)
			for _, t := range ws {
				s += t.w * row[t.i]
			}
			tmp[y*dw+x] = s
		}
	}
	for y, ws := range r.wy {
		out := dst[y*dw : (y+1)*dw]
		clear(out)
		for _, t := range ws {
			in := tmp[t.i*dw : (t.i+1)*dw]
			for x := range out {
				out[x] += t.w * in[x]
			}
		}
	}
}

// resamplePlane is a one-off resize of an sh×sw plane to dh×dw.
func resamplePlane(src []float32, sh, sw, dh, dw int) []float32 {
	dst := make([]float32, dh*dw)
	newResampler(sh, sw, dh, dw).resize(dst, src)
	return dst
}

type tap struct {
	i int
	w float32
}

// boxWeights gives, for each of n output pixels, the source pixels of m
// that overlap its footprint [o·m/n, (o+1)·m/n) and the overlap fractions,
// normalised to sum to 1.
func boxWeights(m, n int) [][]tap {
	out := make([][]tap, n)
	scale := float64(m) / float64(n)
	for o := range n {
		lo, hi := float64(o)*scale, float64(o+1)*scale
		var ts []tap
		for i := int(lo); i < m && float64(i) < hi; i++ {
			ov := min(hi, float64(i+1)) - max(lo, float64(i))
			if ov > 1e-9 {
				ts = append(ts, tap{i, float32(ov / scale)})
			}
		}
		out[o] = ts
	}
	return out
}

// Resized returns im with every image resampled to size×size (box filter)
// and converted to the given number of channels: 1 → 3 repeats the grey
// plane, 1 or 3 → 4 adds an opaque alpha plane, 3 → 1 takes the luma and
// 4 → fewer composites over white. Labels are kept. If nothing changes, im
// itself is returned.
func (im *Images) Resized(size, channels int) (*Images, error) {
	if err := checkImageShape(size, channels); err != nil {
		return nil, err
	}
	if im.C != 1 && im.C != 3 && im.C != 4 {
		return nil, errors.New("can only convert 1-, 3- or 4-channel images")
	}
	if size == im.H && size == im.W && channels == im.C {
		return im, nil
	}
	if err := checkImageCount(im.N, size, channels); err != nil {
		return nil, err
	}
	out := &Images{N: im.N, C: channels, H: size, W: size, Labels: im.Labels, Classes: im.Classes,
		X: make([]float32, im.N*channels*size*size)}
	rs := newResampler(im.H, im.W, size, size)
	sp, dp := im.H*im.W, size*size
	if im.C == 4 {
		// Alpha: resample premultiplied colour, then convert.
		var p [4][]float32
		pre := make([]float32, sp)
		for k := range p {
			p[k] = make([]float32, dp)
		}
		for i := range im.N {
			src := im.Image(i)
			alpha := src[3*sp:]
			for k := range 4 {
				for j := range sp {
					a := (alpha[j] + 1) / 2
					v := (src[k*sp+j] + 1) / 2
					if k < 3 {
						v *= a
					}
					pre[j] = v
				}
				rs.resize(p[k], pre)
			}
			toChannels(out.Image(i), p, channels, dp)
		}
		return out, nil
	}
	// No alpha: the box filter is linear, so resample the [−1, 1] planes
	// directly and convert channels afterwards.
	planes := make([][]float32, im.C)
	for k := range planes {
		planes[k] = make([]float32, dp)
	}
	for i := range im.N {
		src := im.Image(i)
		for k := range im.C {
			rs.resize(planes[k], src[k*sp:(k+1)*sp])
		}
		dst := out.Image(i)
		switch {
		case channels == 1 && im.C == 3:
			for j := range dp {
				dst[j] = 0.299*planes[0][j] + 0.587*planes[1][j] + 0.114*planes[2][j]
			}
		default:
			for k := range min(channels, 3) {
				copy(dst[k*dp:(k+1)*dp], planes[min(k, im.C-1)])
			}
			if channels == 4 {
				for j := range dp {
					dst[3*dp+j] = 1
				}
			}
		}
	}
	return out, nil
}

// LoadImages returns the image set a spec names (see [ParseSpec]):
// "mnist" or "fashion-mnist" (training split; add ":test" for the test
// split), or a folder of PNG files. size and channels set the output
// shape; for the IDX sets 0 keeps the native 28×28 grey.
func LoadImages(spec string, size, channels int) (*Images, error) {
	s, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	var im *Images
	switch {
	case s.Kind == IDXSpec && s.Name == "mnist":
		im, err = LoadMNIST(s.Split)
	case s.Kind == IDXSpec:
		im, err = LoadFashionMNIST(s.Split)
	case s.Kind == PNGDirSpec:
		if size == 0 || channels == 0 {
			return nil, fmt.Errorf("%s: a PNG folder needs an image size and channel count", spec)
		}
		return LoadPNGDir(s.Path, size, channels)
	default:
		return nil, fmt.Errorf("%s names points, not an image set", spec)
	}
	if err != nil {
		return nil, err
	}
	if size == 0 {
		size = im.H
	}
	if channels == 0 {
		channels = im.C
	}
	return im.Resized(size, channels)
}
