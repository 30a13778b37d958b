package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

type benchShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

var benchShapes = []benchShape{
	{"1024x1024x1024_NN", false, false, 1024, 1024, 1024},
	{"conv_32x784x9", false, false, 32, 784, 9},
	{"conv_32x784x288", false, false, 32, 784, 288},
	{"conv_64x784x576", false, false, 64, 784, 576},
	{"conv_128x784x1152", false, false, 128, 784, 1152},
	{"conv_32x50176x27", false, false, 32, 50176, 27},
	{"conv_64x50176x576", false, false, 64, 50176, 576},
	{"linear_1024x256x256_NN", false, false, 1024, 256, 256},
	{"linear_256x256x1024_TN", true, false, 256, 256, 1024},
	{"linear_1024x256x256_NT", false, true, 1024, 256, 256},
	{"field_1024x10000x784_NT", false, true, 1024, 10000, 784},
}

// BenchmarkSgemm reports GFLOP/s (2·m·n·k per call) for every kernel the
// CPU supports on the project's characteristic shapes, at GOMAXPROCS threads.
func BenchmarkSgemm(b *testing.B) {
	for _, kn := range availableKernels() {
		for _, s := range benchShapes {
			if kn == genericKernel && s.m*s.n*s.k > 1<<28 {
				continue // minutes per op; the generic numbers come from the smaller shapes
			}
			b.Run(fmt.Sprintf("%s/%s", kn.name, s.name), func(b *testing.B) { benchShapeRun(b, kn, s) })
		}
	}
}

func benchShapeRun(b *testing.B, kn *kernel, s benchShape) {
	r := rand.New(rand.NewPCG(7, 8))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		return x
	}
	lda, ldb := s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	a, bm, c := fill(s.m*s.k), fill(s.k*s.n), fill(s.m*s.n)
	p := problem{s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n, nil}
	threads := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	for b.Loop() {
		sgemmWith(kn, threads, &p)
	}
	b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkTile measures one micro-kernel alone on L1-resident panels: the
// ceiling the blocked driver can approach on one core.
func BenchmarkTile(b *testing.B) {
	for _, kn := range availableKernels() {
		b.Run(kn.name, func(b *testing.B) {
			const kc = 256
			a := make([]float32, kn.mr*kc)
			bp := make([]float32, kn.nr*kc)
			c := make([]float32, kn.mr*kn.nr)
			for b.Loop() {
				kn.tile(kc, a, bp, kn.nr, c, kn.nr, 1, 1, kn.mr, kn.nr)
			}
			b.ReportMetric(2*float64(kn.mr*kn.nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
