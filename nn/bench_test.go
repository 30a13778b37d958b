package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/ag"
)

// BenchmarkMLPStep is one MLP-toy training forward+backward at batch 1024
// (no optimiser), the Go side of torch_ref.py --model mlp.
func BenchmarkMLPStep(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	pc := &Precond{Net: NewMLP(MLPConfig{N: 2}, r)}
	x, y, sigma, w := newMLPBatch(1024, r)
	tp := ag.NewTape()
	mlpStep(tp, pc, x, y, sigma, w)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		mlpStep(tp, pc, x, y, sigma, w)
	}
}
