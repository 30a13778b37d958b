package bench

import (
	"context"
	"testing"
)

// The peak must bound what the GEMM reaches on the same cores: a GEMM above
// the "peak" means the peak loop or its flop count is wrong.
func TestPeakBoundsGEMM(t *testing.T) {
	p, err := Peak(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.FMA1 <= 0 || p.FMA <= 0 || p.MemGBs <= 0 {
		t.Fatalf("non-positive peak: %+v", p)
	}
	rep, err := Run(context.Background(), Config{Name: "gemm", Size: 256, Steps: 5})
	if err != nil {
		t.Fatal(err)
	}
	// Run uses GOMAXPROCS threads; bound it by the all-thread peak of as
	// many cores, with 10 % for timer noise.
	pAll, err := Peak(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.GFLOPS > 1.1*pAll.FMA {
		t.Errorf("gemm %.1f GFLOP/s exceeds the FMA peak %.1f", rep.GFLOPS, pAll.FMA)
	}
	t.Logf("%v; gemm 256: %.1f GFLOP/s", pAll, rep.GFLOPS)
}

// goFMALoop must really compute: the chains converge to y/(1−x).
func TestGoFMALoopComputes(t *testing.T) {
	got := goFMALoop(200000) / 8
	want := float32(1e-7 / (1 - 0.999))
	if d := got - want; d > 1e-6 || d < -1e-6 {
		t.Fatalf("goFMALoop fixed point %g, want %g", got, want)
	}
}
