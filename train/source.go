package train

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
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

// isPathSpec tells whether spec names a file or folder (rather than a toy
// set or MNIST-like set found by name).
func isPathSpec(spec string) bool {
	name, _, _ := strings.Cut(spec, ":")
	return spec != "" && !strings.HasPrefix(spec, "toy:") && name != "mnist" && name != "fashion-mnist"
}

// WithDataDefaults returns c with the settings left at zero whose default
// depends on the data filled in: the model (mlp for points, unet for
// images), the batch (256 for points, 64 for images) and, for a PNG
// folder, the image size and channels (32×32 RGB; MNIST-like sets bring
// their own). c itself is not changed.
func (c Config) WithDataDefaults() Config {
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
	return c
}

// dataSet is a run's data as loaded: the examples (standardised with st
// for points) and what the run records about them.
type dataSet struct {
	src     *source
	c, h, w int                // image shape (0 for points)
	st      *data.Standardizer // for points: the config's, or fitted on a fresh run
	sha     string             // Fingerprint of the data as loaded
}

// loadData loads the data set c names. It reads c and does not change it.
func loadData(ctx context.Context, c *Config) (*dataSet, error) {
	if c.Data == "" {
		return nil, fmt.Errorf("no data set given (use toy:NAME, a CSV/NPY file, mnist, fashion-mnist or a PNG folder)")
	}
	if IsImageSpec(c.Data) {
		im, err := data.LoadImages(c.Data, c.ImageH, c.ImageC)
		if err != nil {
			return nil, err
		}
		ds := &dataSet{src: &source{x: im.X, dim: im.C * im.H * im.W, labels: im.Labels}, c: im.C, h: im.H, w: im.W}
		ds.sha = Fingerprint(ds.src.dim, im.X, im.Labels)
		return ds, nil
	}
	p, err := data.LoadContext(ctx, c.Data, c.ToyCount, data.RNG(c.Seed))
	if err != nil {
		return nil, err
	}
	x := make([]float32, len(p.X))
	for i, v := range p.X {
		x[i] = float32(v)
	}
	ds := &dataSet{sha: Fingerprint(p.Dim, x, nil), st: c.Standardize}
	if ds.st == nil {
		st := data.FitStandardizer(p)
		ds.st = &st
	}
	if len(ds.st.Mean) != p.Dim {
		return nil, fmt.Errorf("%s has %d numbers a point, the run was made for %d", c.Data, p.Dim, len(ds.st.Mean))
	}
	if err := ds.st.Apply(p); err != nil {
		return nil, err
	}
	for i, v := range p.X {
		x[i] = float32(v)
	}
	ds.src = &source{x: x, dim: p.Dim}
	return ds, nil
}

// Fingerprint is the SHA-256 of a data set as the trainer sees it: the
// number of values per example, the values as float32 and the labels, all
// little-endian. A run records it (Config.DataSHA256) and a resume checks it.
func Fingerprint(dim int, x []float32, labels []int) string {
	h := sha256.New()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(dim))
	h.Write(b[:])
	buf := make([]byte, 0, 1<<16)
	for i, v := range x {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		if len(buf) == cap(buf) || i == len(x)-1 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	binary.LittleEndian.PutUint64(b[:], uint64(len(labels)))
	h.Write(b[:])
	for _, l := range labels {
		binary.LittleEndian.PutUint64(b[:], uint64(l))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// resolve returns c completed from its data set: on a fresh run the data
// path made absolute, the shape, the standardisation, the fingerprint, the
// classes, the per-objective parameters and the network's config; on a
// resume the same, checking that the data still match what c recorded.
func resolve(c Config, ds *dataSet) (Config, error) {
	dim := ds.src.dim
	switch {
	case c.Dim == 0:
		c.Dim, c.ImageC, c.ImageH, c.ImageW = dim, ds.c, ds.h, ds.w
	case ds.c == 0 && dim != c.Dim:
		return c, fmt.Errorf("%s has %d numbers a point, the run was made for %d", c.Data, dim, c.Dim)
	case ds.c != c.ImageC || ds.h != c.ImageH || ds.w != c.ImageW:
		return c, fmt.Errorf("%s holds %d×%d×%d images, the run was made for %d×%d×%d",
			c.Data, ds.c, ds.h, ds.w, c.ImageC, c.ImageH, c.ImageW)
	}
	c.Standardize = ds.st
	switch c.DataSHA256 {
	case "":
		c.DataSHA256 = ds.sha
	case ds.sha:
	default:
		return c, fmt.Errorf("the data %s changed since the run started (SHA-256 %.12s…, the run recorded %.12s…): restore them, or start a new run", c.Data, ds.sha, c.DataSHA256)
	}
	if c.Cond && c.Classes == 0 {
		k, err := ds.src.classes(c.Data)
		if err != nil {
			return c, err
		}
		c.Classes = k
	}
	if c.objective() == ObjectiveField || c.process() == ProcessYukawa {
		c.FieldBatch = cmp.Or(c.FieldBatch, DefaultFieldBatch)
	}
	if c.objective() == ObjectiveField && c.Classic == nil {
		p, err := classicParams(dim, ds.src.x)
		if err != nil {
			return c, err
		}
		c.Classic = &p
	}
	c, err := c.WithArchitecture()
	if err != nil {
		return c, err
	}
	return c, c.ValidateRun()
}

// absData returns spec with a file or folder path made absolute, so that
// a run resumes from any working directory.
func absData(spec string) (string, error) {
	if !isPathSpec(spec) || filepath.IsAbs(spec) {
		return spec, nil
	}
	abs, err := filepath.Abs(spec)
	if err != nil {
		return "", fmt.Errorf("data %s: %w", spec, err)
	}
	return abs, nil
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
