package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pfgm/pfgm/data"
)

// DefaultCharges is how many points of a toy set act as the charges of an
// exact field unless told otherwise.
const DefaultCharges = 20000

// pointsEstimate returns an upper bound on the number of values a data
// spec holds and the points' dimension, without reading it: charges ×
// dimension for a toy set, and for a file what its size allows (a CSV
// value takes at least 2 bytes, an NPY value at least 4) with dimension 1
// (unknown until read).
func pointsEstimate(spec string, charges int) (values, dim int, err error) {
	if name, ok := strings.CutPrefix(spec, "toy:"); ok {
		if charges < 1 {
			return 0, 0, fmt.Errorf("charges %d: need at least 1 point", charges)
		}
		one, err := data.Toy(name, 1, data.RNG(0))
		if err != nil {
			return 0, 0, err
		}
		return int(min(product(charges, one.Dim), 1<<62)), one.Dim, nil
	}
	if spec == "" {
		return 0, 0, fmt.Errorf("no data given (want toy:NAME or a .csv/.npy file)")
	}
	st, err := os.Stat(spec)
	if err != nil {
		return 0, 0, err
	}
	if !st.Mode().IsRegular() {
		return 0, 0, fmt.Errorf("%s: not a regular file", spec)
	}
	per := int64(4)
	if strings.EqualFold(filepath.Ext(spec), ".csv") {
		per = 2
	}
	return int(st.Size()/per + 1), 1, nil
}

// loadPoints reads a point file or draws charges points of a toy set with
// the data stream of seed, and checks them.
func loadPoints(ctx context.Context, spec string, charges int, seed uint64) (*data.Points, error) {
	if strings.HasPrefix(spec, "toy:") && charges < 1 {
		return nil, fmt.Errorf("charges %d: need at least 1 point", charges)
	}
	p, err := data.LoadContext(ctx, spec, charges, data.RNG(seed))
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", spec, err)
	}
	return p, nil
}

// standardize returns the standardiser of pts and a standardised copy: the
// exact fields hold their charges in standardised units.
func standardize(pts *data.Points) (data.Standardizer, *data.Points, error) {
	std := data.FitStandardizer(pts)
	z := pts.Clone()
	if err := std.Apply(z); err != nil {
		return std, nil, err
	}
	return std, z, nil
}

// ToyOptions choose a built-in toy data set to draw.
type ToyOptions struct {
	Name      string // one of data.ToyNames()
	N         int    // points (≥ 1)
	Seed      uint64 // drawn with data.RNG(Seed)
	MaxMemory int64  // 0: DefaultMaxMemory
}

// Toy draws opt.N points of a toy set, as `pfgm data` writes them.
func Toy(ctx context.Context, opt ToyOptions) (*data.Points, error) {
	if opt.N < 1 {
		return nil, fmt.Errorf("n %d: need at least 1 point", opt.N)
	}
	vals, _, err := pointsEstimate("toy:"+opt.Name, opt.N)
	if err != nil {
		return nil, err
	}
	var est estimate
	est.add(fmt.Sprintf("%d points", opt.N), vals, 8)
	if err := est.check("drawing the toy set", opt.MaxMemory); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return data.Toy(opt.Name, opt.N, data.RNG(opt.Seed))
}
