package gemm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

func TestRoundBF16(t *testing.T) {
	for _, c := range []struct{ in, want float32 }{
		{1, 1},
		{1 + 1.0/256, 1},           // a tie: down to the even neighbour
		{1 + 3.0/256, 1 + 4.0/256}, // a tie: up to the even neighbour
		{1 + 1.0/256 + 1.0/4096, 1 + 2.0/256},
		{-3.14159265, -3.140625},
		{float32(math.Inf(1)), float32(math.Inf(1))},
		{math.MaxFloat32, float32(math.Inf(1))}, // beyond bfloat16's range
		{0, 0},
	} {
		if got := RoundBF16(c.in); got != c.want {
			t.Errorf("RoundBF16(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if v := RoundBF16(float32(math.NaN())); v == v {
		t.Errorf("RoundBF16(NaN) = %v, want NaN", v)
	}
	// Every value is within half a bfloat16 unit (2⁻⁸ relative).
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		x := float32(rng.NormFloat64() * math.Exp(rng.NormFloat64()*5))
		if r := RoundBF16(x); math.Abs(float64(r-x)) > math.Abs(float64(x))/256 {
			t.Fatalf("RoundBF16(%g) = %g: off by more than 2⁻⁸ relative", x, r)
		}
	}
}

// bf16Ref is op(A)·op(B) in float64 and Σ|a||b| per element, the scale
// of the error bounds.
func bf16Ref(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, round bool) (c, scale []float64) {
	p := problem{transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb}
	c, scale = make([]float64, m*n), make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, abs float64
			for l := range k {
				x, y := p.opA(i, l), p.opB(l, j)
				if round {
					x, y = RoundBF16(x), RoundBF16(y)
				}
				s += float64(x) * float64(y)
				abs += math.Abs(float64(x) * float64(y))
			}
			c[i*n+j], scale[i*n+j] = s, abs
		}
	}
	return c, scale
}

// SgemmBF16 (the hardware kernel where the CPU has one, else the emulation)
// against float64: (1) with the same bfloat16 inputs, it may differ only by
// float32 summation error, k·2⁻²⁴·Σ|ab|; (2) against the exact float32
// inputs by the bfloat16 bound (2u + u²)·Σ|ab|, u = 2⁻⁸, plus that. A
// wrong pairing of k steps, a lost odd step or a bad mask breaks (1) by
// orders of magnitude.
func TestSgemmBF16ErrorBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	t.Logf("hardware bfloat16: %v", HasBF16())
	for _, s := range []struct {
		m, n, k        int
		transA, transB bool
	}{
		{1, 1, 1, false, false}, {3, 5, 7, false, false}, {14, 32, 64, false, false},
		{15, 33, 65, true, false}, {29, 70, 129, false, true}, {100, 47, 1030, true, true},
		{130, 200, 2051, false, false}, // k beyond one kc block of pairs
	} {
		lda, ldb, ldc := s.k+3, s.n+1, s.n+2
		if s.transA {
			lda = s.m + 3
		}
		if s.transB {
			ldb = s.k + 1
		}
		a := randSlice(rng, max(s.m, s.k)*lda)
		b := randSlice(rng, max(s.k, s.n)*ldb)
		c := randSlice(rng, s.m*ldc)
		c0 := append([]float32(nil), c...)
		alpha, beta := float32(1.5), float32(-0.5)
		SgemmBF16(s.transA, s.transB, s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, c, ldc)
		rounded, scale := bf16Ref(s.transA, s.transB, s.m, s.n, s.k, a, lda, b, ldb, true)
		exact, _ := bf16Ref(s.transA, s.transB, s.m, s.n, s.k, a, lda, b, ldb, false)
		const u = 1.0 / 256
		sumErr := float64(s.k+2) * math.Ldexp(1, -24)
		for i := range s.m {
			for j := range s.n {
				got := float64(c[i*ldc+j])
				sc := 1.5*scale[i*s.n+j] + 0.5*math.Abs(float64(c0[i*ldc+j]))
				if want := 1.5*rounded[i*s.n+j] - 0.5*float64(c0[i*ldc+j]); math.Abs(got-want) > sumErr*sc+1e-30 {
					t.Fatalf("%+v: C[%d,%d] = %g, bfloat16 inputs in float64 give %g (bound %.3g)", s, i, j, got, want, sumErr*sc)
				}
				if want := 1.5*exact[i*s.n+j] - 0.5*float64(c0[i*ldc+j]); math.Abs(got-want) > (2*u+u*u+sumErr)*sc {
					t.Fatalf("%+v: C[%d,%d] = %g, exact %g: beyond the bfloat16 bound", s, i, j, got, want)
				}
			}
		}
		// Columns past n in the padded rows of C are untouched.
		for i := range s.m {
			for j := s.n; j < ldc; j++ {
				if c[i*ldc+j] != c0[i*ldc+j] {
					t.Fatalf("%+v: C[%d,%d] outside the product was written", s, i, j)
				}
			}
		}
	}
}

// The hardware kernel and the emulation agree within float32 summation
// error, and the kernel's result does not depend on the thread count.
func TestSgemmBF16ThreadsAndEmulation(t *testing.T) {
	kn := bf16Kernel()
	if kn == nil {
		t.Skip("no AVX512_BF16 on this CPU: only the emulated path runs (tested above)")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	m, n, k := 300, 260, 700
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	run := func(threads int, emulate bool) []float32 {
		c := make([]float32, m*n)
		p := problem{false, false, m, n, k, 1, a, k, b, n, 0, c, n, nil}
		if emulate {
			sgemmBF16Emulated(threads, &p)
		} else {
			sgemmSplit(kn, threads, 1, &p)
		}
		return c
	}
	one := run(1, false)
	for _, th := range []int{2, 3, runtime.GOMAXPROCS(0)} {
		got := run(th, false)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(one[i]) {
				t.Fatalf("threads=%d: C[%d] = %g, 1 thread gives %g", th, i, got[i], one[i])
			}
		}
	}
	emu := run(2, true)
	_, scale := bf16Ref(false, false, m, n, k, a, k, b, n, true)
	for i := range emu {
		if d := math.Abs(float64(emu[i] - one[i])); d > float64(k)*math.Ldexp(1, -23)*scale[i] {
			t.Fatalf("C[%d]: kernel %g, emulation %g", i, one[i], emu[i])
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// BenchmarkSgemmBF16 runs the bfloat16 kernel on the shapes of
// BenchmarkSgemm; GFLOP/s count 2·m·n·k as there, so the two compare
// directly.
func BenchmarkSgemmBF16(b *testing.B) {
	kn := bf16Kernel()
	if kn == nil {
		b.Skip("no AVX512_BF16 on this CPU")
	}
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) { benchShapeRun(b, kn, s) })
	}
}

// BF16Speedup is 0 exactly where there is no bfloat16 kernel, and a
// positive finite ratio where there is.
func TestBF16Speedup(t *testing.T) {
	s := BF16Speedup()
	switch {
	case !HasBF16() && s != 0:
		t.Fatalf("no bf16 kernel, speedup %v, want 0", s)
	case HasBF16() && !(s > 0 && s < 100):
		t.Fatalf("bf16 kernel, speedup %v, want a positive ratio", s)
	}
	t.Logf("bf16 / float32 tile rate per flop: %.2f", s)
}
