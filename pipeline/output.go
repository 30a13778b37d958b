package pipeline

import (
	"errors"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/plot"
)

// SampleExts are the extensions WriteSamples writes.
var sampleExts = []string{".csv", ".npy", ".png"}

// CheckOutput checks, before any work, that out can be written: its
// extension is one of exts (if any are given), its directory exists and
// is writable, it is not a directory, and it is none of the inputs (a job
// never overwrites the data it reads). Inputs that are not files (toy:NAME,
// mnist) are ignored.
func CheckOutput(out string, inputs []string, exts ...string) error {
	if out == "" {
		return errors.New("no output file given")
	}
	if len(exts) > 0 {
		ext := strings.ToLower(filepath.Ext(out))
		found := false
		for _, e := range exts {
			found = found || ext == e
		}
		if !found {
			return fmt.Errorf("output %s: unknown extension %q (want %s)", out, ext, strings.Join(exts, ", "))
		}
	}
	for _, in := range inputs {
		if in != "" && sameFile(in, out) {
			return fmt.Errorf("output %s is the input %s: choose another output, the input would be lost", out, in)
		}
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return fmt.Errorf("output %s is a directory", out)
	}
	dir := filepath.Dir(out)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("output %s: %s is not a directory", out, dir)
	}
	f, err := os.CreateTemp(dir, ".pfgm-write-check-*")
	if err != nil {
		return fmt.Errorf("output %s: directory %s is not writable: %w", out, dir, errors.Unwrap(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// sameFile tells whether paths a and b name one file: the same file on
// disk, or the same cleaned absolute path.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// WriteSamples writes a sampling result, choosing the format by the
// extension of path:
//
//	.csv, .npy  points in data units, one a row (NPY float64 n×dim);
//	            images as NPY float32 of shape (n, C, H, W) in [0, 1]
//	            (CSV: one flattened image a row, in [0, 1])
//	.png        points drawn over the data (when known); images as a grid
//
// Files are written atomically.
func WriteSamples(path string, r *SampleResult) error {
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case r == nil || (r.Samples == nil && r.Images == nil):
		return errors.New("no samples to write")
	case r.Images != nil:
		im := r.Images
		switch ext {
		case ".png":
			return plot.ImageGrid(path, im, gridCols(im.N))
		case ".npy":
			return data.WriteNPY32(path, []int{im.N, im.C, im.H, im.W}, unitRange(im.X))
		case ".csv":
			x := unitRange(im.X)
			p := &data.Points{Dim: im.Size(), X: make([]float64, len(x))}
			for i, v := range x {
				p.X[i] = float64(v)
			}
			return data.WriteCSV(path, p)
		}
	case ext == ".png":
		return plot.WritePanels(path, []plot.Panel{ScatterPanel(r.Samples, r.Data, r.Title)}, 1, 640)
	case ext == ".csv" || ext == ".npy":
		return data.WritePoints(path, r.Samples)
	}
	return fmt.Errorf("write %s: unknown extension %q (want %s)", path, ext, strings.Join(sampleExts, ", "))
}

// unitRange maps image values from [−1, 1] to [0, 1], clamped.
func unitRange(x []float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = min(max((v+1)/2, 0), 1)
	}
	return out
}

// gridCols makes a sample grid about square.
func gridCols(n int) int {
	c := 1
	for c*c < n {
		c++
	}
	return c
}

// ScatterPanel draws samples (blue) over reference data (grey, may be
// nil): the first two coordinates, or for 1-D points the value against a
// deterministic jitter.
func ScatterPanel(samples, ref *data.Points, title string) plot.Panel {
	var layers []plot.Layer
	if ref != nil {
		layers = append(layers, plot.Points{XY: xy(ref), Color: color.NRGBA{A: 50}, Radius: 1.5})
	}
	layers = append(layers, plot.Points{XY: xy(samples), Color: plot.WithAlpha(plot.Palette(0), 0.6), Radius: 1.8})
	return plot.Panel{Title: title, Equal: samples.Dim > 1, Layers: layers}
}

// xy is the (x, y) pairs of the first two coordinates of p; 1-D points get
// y spread evenly in [0, 1) so that their density shows.
func xy(p *data.Points) []float64 {
	n := p.N()
	out := make([]float64, 0, 2*n)
	for i := range n {
		r := p.Row(i)
		if p.Dim == 1 {
			out = append(out, r[0], float64(i*7919%n)/float64(n))
		} else {
			out = append(out, r[0], r[1])
		}
	}
	return out
}

// UnitRange maps image values from [−1, 1] to [0, 1], clamped, as image
// files and the HTTP server store them.
func UnitRange(x []float32) []float32 { return unitRange(x) }

// GridCols is the number of columns of an about square grid of n images.
func GridCols(n int) int { return gridCols(n) }
