package metrics

import (
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/pfgm/pfgm/classifier"
	"github.com/pfgm/pfgm/data"
)

// LoadImageSamples reads generated 28×28 grey images for EvalImages from
// an NPY file of shape (n, 28, 28) or (n, 1, 28, 28) — uint8 in 0…255 or
// float in [0, 1] — or from a folder of PNG files, and returns them in
// data.Images' scale, [−1, 1]. Float values a little outside [0, 1] (a
// sampler's overshoot) are clipped; values that look like another scale
// are an error.
func LoadImageSamples(path string) (*data.Images, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	if st.IsDir() {
		im, err := data.LoadPNGDir(path, classifier.Size, 1)
		if err != nil {
			return nil, fmt.Errorf("samples: %w", err)
		}
		return im, nil
	}
	a, err := data.ReadNPY(path)
	if err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	const s = classifier.Size
	sh := a.Shape
	if !(len(sh) == 3 && sh[1] == s && sh[2] == s) && !(len(sh) == 4 && sh[1] == 1 && sh[2] == s && sh[3] == s) {
		return nil, fmt.Errorf("samples: %s has shape %v, want (n, 28, 28) or (n, 1, 28, 28)", path, sh)
	}
	im := &data.Images{N: sh[0], C: 1, H: s, W: s, X: make([]float32, len(a.Data))}
	if im.N == 0 {
		return nil, fmt.Errorf("samples: %s holds no images", path)
	}
	scale := 1.0
	if a.Descr == "|u1" {
		scale = 1.0 / 255
	} else {
		lo, hi := slices.Min(a.Data), slices.Max(a.Data)
		if math.IsNaN(lo) || math.IsNaN(hi) || lo < -0.5 || hi > 1.5 {
			return nil, fmt.Errorf("samples: %s has values in [%g, %g], want floats in [0, 1] (or uint8)", path, lo, hi)
		}
	}
	for i, v := range a.Data {
		u := min(max(v*scale, 0), 1)
		im.X[i] = float32(2*u - 1)
	}
	return im, nil
}
