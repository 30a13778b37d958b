package field

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/gemm"
)

// The distance products are 2·B·K·N flops; both benchmarks below report
// that count per second so their ratio is the share of the GEMM's own rate
// that the whole denoiser (distances, weights, Σ w_i y_i) achieves. On a
// shared machine compare the medians of one run:
//
//	go test ./field -run '^$' -bench 'Denoise784|Sgemm784' -benchtime 3x -count 5
//
// The first Denoise of a process also allocates the pooled block buffers
// (kernel.go), so the first repetition of the first case is slower.

const (
	benchB = 1024
	benchK = 10000
	benchN = 784
)

func benchSetup(b *testing.B, B, K, N int, sigma float64, D float64) (*Exact, []float64) {
	rng := rand.New(rand.NewPCG(11, 12))
	ys := randomCharges(rng, K, N)
	e, err := New(ys, N, D)
	if err != nil {
		b.Fatal(err)
	}
	return e, queriesNear(rng, ys, N, B, sigma)
}

// BenchmarkDenoise784: σ = 0.5 has sparse weights (each query sees about
// one charge), σ = 80 dense ones (every charge counts, so the weighted sum
// is a second GEMM as large as the first).
func BenchmarkDenoise784(b *testing.B) {
	for _, tc := range []struct {
		sigma, D float64
	}{{0.5, math.Inf(1)}, {80, math.Inf(1)}, {0.5, 128}, {80, 128}} {
		b.Run(fmt.Sprintf("sigma=%v/D=%v", tc.sigma, tc.D), func(b *testing.B) {
			e, x := benchSetup(b, benchB, benchK, benchN, tc.sigma, tc.D)
			out := make([]float64, len(x))
			for b.Loop() {
				if err := e.Denoise(context.Background(), x, tc.sigma, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(2*benchB*benchK*benchN*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSgemm784 is the distance GEMM alone, one call for the whole shape.
func BenchmarkSgemm784(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 14))
	x := make([]float32, benchB*benchN)
	y := make([]float32, benchK*benchN)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for i := range y {
		y[i] = float32(rng.NormFloat64())
	}
	c := make([]float32, benchB*benchK)
	for b.Loop() {
		gemm.Sgemm(false, true, benchB, benchK, benchN, -2, x, benchN, y, benchN, 0, c, benchK)
	}
	b.ReportMetric(2*benchB*benchK*benchN*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkDenoise2D is the toy-data case: 2,000 queries × 20,000 charges
// in 2-D (the direct loop), reported in ns per query–charge pair.
func BenchmarkDenoise2D(b *testing.B) {
	for _, tc := range []struct {
		sigma, D float64
	}{{0.05, math.Inf(1)}, {5, math.Inf(1)}, {0.05, 128}, {5, 128}} {
		b.Run(fmt.Sprintf("sigma=%v/D=%v", tc.sigma, tc.D), func(b *testing.B) {
			e, x := benchSetup(b, 2000, 20000, 2, tc.sigma, tc.D)
			out := make([]float64, len(x))
			for b.Loop() {
				if err := e.Denoise(context.Background(), x, tc.sigma, out); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/(2000*20000), "ns/pair")
		})
	}
}
