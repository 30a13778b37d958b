package train

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/pfgm/pfgm/data"
)

// source is a training set held as float32 rows, one example a row.
type source struct {
	x      []float32
	dim    int
	labels []int // nil when the set has none
}

func (s *source) len() int { return len(s.x) / s.dim }

// IsImageSpec tells whether spec names an image set rather than points.
func IsImageSpec(spec string) bool {
	name, _, _ := strings.Cut(spec, ":")
	if name == "mnist" || name == "fashion-mnist" {
		return true
	}
	if strings.HasPrefix(spec, "toy:") {
		return false
	}
	st, err := os.Stat(spec)
	return err == nil && st.IsDir()
}

// DataDefaults fills in the settings left at zero whose default depends on
// the data: the model (mlp for points, unet for images), the batch (256
// for points, 64 for images) and, for a PNG folder, the image size and
// channels (32×32 RGB; MNIST-like sets bring their own).
func (c *Config) DataDefaults() {
	images := IsImageSpec(c.Data)
	if c.Model == "" {
		c.Model = map[bool]string{false: "mlp", true: "unet"}[images]
	}
	if c.Batch == 0 {
		c.Batch = map[bool]int{false: 256, true: 64}[images]
	}
	if images && !strings.HasPrefix(c.Data, "mnist") && !strings.HasPrefix(c.Data, "fashion-mnist") {
		c.ImageH, c.ImageC = cmp.Or(c.ImageH, 32), cmp.Or(c.ImageC, 3)
	}
}

// openSource loads the run's data set. On first use (c.Dim == 0) it fills in
// the shape and, for points, the standardisation; afterwards it checks that
// the data still match the run.
func openSource(c *Config) (*source, error) {
	if c.Data == "" {
		return nil, fmt.Errorf("no data set given (use toy:NAME, a CSV/NPY file, mnist, fashion-mnist or a PNG folder)")
	}
	if IsImageSpec(c.Data) {
		return openImages(c)
	}
	p, err := data.Load(c.Data, c.ToyCount, data.RNG(c.Seed))
	if err != nil {
		return nil, err
	}
	if c.Dim == 0 {
		c.Dim = p.Dim
		st := data.FitStandardizer(p)
		c.Standardize = &st
	}
	if p.Dim != c.Dim {
		return nil, fmt.Errorf("%s has %d numbers a point, the run was made for %d", c.Data, p.Dim, c.Dim)
	}
	if c.Standardize != nil {
		if err := c.Standardize.Apply(p); err != nil {
			return nil, err
		}
	}
	s := &source{x: make([]float32, len(p.X)), dim: p.Dim}
	for i, v := range p.X {
		s.x[i] = float32(v)
	}
	return s, nil
}

func openImages(c *Config) (*source, error) {
	size, ch := c.ImageH, c.ImageC
	im, err := data.LoadImages(c.Data, size, ch)
	if err != nil {
		return nil, err
	}
	if c.Dim == 0 {
		c.ImageC, c.ImageH, c.ImageW = im.C, im.H, im.W
		c.Dim = im.C * im.H * im.W
	}
	if im.C != c.ImageC || im.H != c.ImageH || im.W != c.ImageW {
		return nil, fmt.Errorf("%s holds %d×%d×%d images, the run was made for %d×%d×%d",
			c.Data, im.C, im.H, im.W, c.ImageC, c.ImageH, c.ImageW)
	}
	return &source{x: im.X, dim: c.Dim, labels: im.Labels}, nil
}

// batch fills y with len(y)/dim examples drawn uniformly with replacement.
func (s *source) batch(rng *rand.Rand, y []float32) { s.batchLabeled(rng, y, nil) }

// batchLabeled is batch that also fills labels (if not nil) with the classes.
func (s *source) batchLabeled(rng *rand.Rand, y []float32, labels []int) {
	n := s.len()
	for i := 0; i < len(y)/s.dim; i++ {
		j := rng.IntN(n)
		copy(y[i*s.dim:(i+1)*s.dim], s.x[j*s.dim:(j+1)*s.dim])
		if labels != nil {
			labels[i] = s.labels[j]
		}
	}
}

// classes checks that the set has labels and returns how many classes.
func (s *source) classes(name string) (int, error) {
	if len(s.labels) != s.len() {
		return 0, fmt.Errorf("--cond: %s has no class labels", name)
	}
	k := 0
	for _, l := range s.labels {
		if l < 0 {
			return 0, fmt.Errorf("%s: negative class label %d", name, l)
		}
		k = max(k, l+1)
	}
	return k, nil
}
