package train

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pfgm/pfgm/safetensors"
)

// A Yukawa run keeps the charges its sampler needs — the prior's Coulomb
// flux, the initial log-weights and the far field all come from them (see
// netYukawa) — in dir/prior.safetensors, written when the run starts, so
// that sampling never needs the training data again.
const (
	priorFile   = "prior.safetensors"
	priorTensor = "charges" // K×N, standardised like the training data
)

// priorCharges returns at most c.FieldBatch points of the training set src
// (evenly strided; toy sets are shuffled anyway) as float64 rows.
func priorCharges(c *Config, src *source) []float64 {
	kc := max(c.FieldBatch, 1)
	nr, n := src.len(), src.dim
	stride := max(1, nr/kc)
	ys := make([]float64, 0, min(nr, kc)*n)
	for i := 0; i < nr && len(ys) < kc*n; i += stride {
		for _, v := range src.x[i*n : (i+1)*n] {
			ys = append(ys, float64(v))
		}
	}
	return ys
}

// savePrior writes the charges (rows of n numbers) to dir/prior.safetensors.
func savePrior(dir string, charges []float64, n int) error {
	x := make([]float32, len(charges))
	for i, v := range charges {
		x[i] = float32(v) // exact: the charges are float32 training rows
	}
	st := map[string]safetensors.Tensor{priorTensor: {Shape: []int{len(charges) / n, n}, Data: x}}
	if err := safetensors.Write(filepath.Join(dir, priorFile), st, map[string]string{"dim": strconv.Itoa(n)}); err != nil {
		return fmt.Errorf("yukawa prior: %w", err)
	}
	return nil
}

// loadPrior reads dir/prior.safetensors for a run of c; the error wraps
// fs.ErrNotExist when the run has none (runs of earlier versions).
func loadPrior(dir string, c *Config) ([]float64, error) {
	path := filepath.Join(dir, priorFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("yukawa prior: %w", err)
	}
	st, _, err := safetensors.Read(path)
	if err != nil {
		return nil, fmt.Errorf("yukawa prior: %w", err)
	}
	t, ok := st[priorTensor]
	if !ok || len(t.Shape) != 2 || t.Shape[1] != c.Dim || t.Shape[0] < 1 || t.Shape[0] > max(c.FieldBatch, 1) {
		return nil, fmt.Errorf("yukawa prior: %s does not hold 1…%d charges of %d numbers", path, c.FieldBatch, c.Dim)
	}
	out := make([]float64, len(t.Data))
	for i, v := range t.Data {
		out[i] = float64(v)
	}
	return out, nil
}

// runPrior returns a Yukawa run's prior charges: from dir, or for a run
// that predates prior.safetensors rebuilt from its training data (with a
// warning, since that needs the data).
func runPrior(dir string, c *Config) (charges []float64, warning string, err error) {
	charges, err = loadPrior(dir, c)
	if !errors.Is(err, fs.ErrNotExist) {
		return charges, "", err
	}
	ds, lerr := loadData(context.Background(), c)
	if lerr != nil {
		return nil, "", fmt.Errorf("yukawa: %s has no %s and its training set does not load: %w", dir, priorFile, lerr)
	}
	return priorCharges(c, ds.src), fmt.Sprintf("%s has no %s (an earlier version's run): the prior was rebuilt from %s", dir, priorFile, c.Data), nil
}
