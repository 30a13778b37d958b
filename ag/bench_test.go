package ag

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/internal/cputime"
)

func randTensor(r *rand.Rand, shape ...int) *Tensor {
	x := NewTensor(shape...)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	return x
}

// benchWorkers is the tapes' worker count in the benchmarks (0: GOMAXPROCS).
var benchWorkers = flag.Int("workers", 0, "goroutines per op in benchmarks (0: GOMAXPROCS)")

// benchColBudget overrides the convolutions' column block size.
var benchColBudget = flag.Int("colbudget", 0, "column block size in float32s (0: default)")

// benchTape applies the -workers and -colbudget flags to tp.
func benchTape(tp *Tape) *Tape {
	if *benchWorkers > 0 {
		tp.SetWorkers(*benchWorkers)
	}
	tp.colBudget = *benchColBudget
	return tp
}

// BenchmarkConv covers the U-Net's convolution shapes at batch 64,
// forward alone and forward+backward, with the automatic choice of
// algorithm ("auto") and, for 3×3 kernels, each algorithm forced.
func BenchmarkConv(b *testing.B) {
	for _, s := range []struct{ c, o, hw, k int }{
		{1, 32, 28, 3}, {32, 32, 28, 3}, {96, 32, 28, 3}, {32, 1, 28, 3},
		{32, 64, 14, 3}, {64, 64, 14, 3}, {128, 64, 14, 3}, {64, 64, 7, 3}, {128, 64, 7, 3},
		{96, 32, 28, 1},
	} {
		r := rand.New(rand.NewPCG(1, 2))
		x := randTensor(r, 64, s.c, s.hw, s.hw).SetRequiresGrad()
		w := randTensor(r, s.o, s.c, s.k, s.k).SetRequiresGrad()
		bias := randTensor(r, s.o).SetRequiresGrad()
		flops := 2 * 64 * s.o * s.c * s.k * s.k * s.hw * s.hw
		algos := map[string]convAlgo{"auto": convAuto}
		if s.k == 3 {
			algos["im2col"], algos["wino"] = convIm2col, convWinograd
		}
		for _, an := range []string{"auto", "im2col", "wino"} {
			algo, ok := algos[an]
			if !ok {
				continue
			}
			name := fmt.Sprintf("%dx%dx%d-%d-k%d/%s", s.c, s.hw, s.hw, s.o, s.k, an)
			b.Run(name+"/fwd", func(b *testing.B) {
				tp := benchTape(NewInferenceTape())
				c := cputime.Start()
				defer c.Report(b)
				for b.Loop() {
					tp.Reset()
					tp.conv2dAlgo(algo, x, w, bias, nil, s.k/2)
				}
				b.ReportMetric(float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			b.Run(name+"/fwdbwd", func(b *testing.B) {
				tp := benchTape(NewTape())
				c := cputime.Start()
				defer c.Report(b)
				for b.Loop() {
					tp.Reset()
					tp.Backward(tp.Sum(tp.conv2dAlgo(algo, x, w, bias, nil, s.k/2)))
				}
				b.ReportMetric(3*float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkGroupNorm covers the U-Net's fused GroupNorm+SiLU shapes at
// batch 64, forward alone and forward+backward.
func BenchmarkGroupNorm(b *testing.B) {
	for _, s := range []struct{ c, hw int }{{32, 28}, {96, 28}, {64, 14}} {
		r := rand.New(rand.NewPCG(1, 2))
		x := randTensor(r, 64, s.c, s.hw, s.hw).SetRequiresGrad()
		gamma, beta := randTensor(r, s.c).SetRequiresGrad(), randTensor(r, s.c).SetRequiresGrad()
		name := fmt.Sprintf("%dx%dx%d", s.c, s.hw, s.hw)
		b.Run(name+"/fwd", func(b *testing.B) {
			tp := benchTape(NewInferenceTape())
			c := cputime.Start()
			defer c.Report(b)
			for b.Loop() {
				tp.Reset()
				tp.GroupNormSiLU(x, 8, gamma, beta, 1e-5)
			}
		})
		b.Run(name+"/fwdbwd", func(b *testing.B) {
			tp := benchTape(NewTape())
			c := cputime.Start()
			defer c.Report(b)
			for b.Loop() {
				tp.Reset()
				tp.Backward(tp.Sum(tp.GroupNormSiLU(x, 8, gamma, beta, 1e-5)))
			}
		})
	}
}
