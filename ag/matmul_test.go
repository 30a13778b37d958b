package ag

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// GEMMFlops must count 2·m·n·k for every product an op runs: a Linear
// layer's forward pass is one bs×in by in×o product, and its backward pass
// two more of the same size (the input and the weight gradient).
func TestGEMMFlopsCountsProducts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const bs, in, o = 37, 53, 29
	x, w, bias := randTensor(r, bs, in), randTensor(r, o, in), randTensor(r, o)
	x.SetRequiresGrad()
	w.SetRequiresGrad()
	tp := NewTape()
	y := tp.Linear(x, w, bias)
	one := int64(2 * bs * in * o)
	if got := tp.GEMMFlops(); got != one {
		t.Fatalf("forward: GEMMFlops %d, want 2·%d·%d·%d = %d", got, bs, in, o, one)
	}
	tp.Backward(tp.Sum(y))
	if got := tp.GEMMFlops(); got != 3*one {
		t.Fatalf("forward+backward: GEMMFlops %d, want 3·%d", got, one)
	}

	// A convolution as im2col + GEMM is o × (c·k²) by (c·k²) × (b·h·w),
	// whatever the channel blocks and image groups it is cut into; as
	// Winograd F(2×2, 3×3) it is 16 products o × c by c × (b·tiles), with
	// ⌈h/2⌉·⌈w/2⌉ tiles an image.
	const b, c, oc, hw = 5, 12, 8, 14
	xi, wc := randTensor(r, b, c, hw, hw), randTensor(r, oc, c, 3, 3)
	tiles := (hw + 1) / 2 * ((hw + 1) / 2)
	for _, s := range []struct {
		algo convAlgo
		want int64
	}{
		{convIm2col, int64(2 * oc * c * 9 * b * hw * hw)},
		{convWinograd, int64(16 * 2 * oc * c * b * tiles)},
	} {
		ti := NewInferenceTape()
		ti.conv2dAlgo(s.algo, xi, wc, nil, nil, 1)
		if got := ti.GEMMFlops(); got != s.want {
			t.Fatalf("conv 3×3 (algorithm %d): GEMMFlops %d, want %d", s.algo, got, s.want)
		}
		// ModelFlops counts the direct convolution whichever algorithm ran:
		// once for the forward pass, once more for each gradient.
		direct := int64(2 * oc * c * 9 * b * hw * hw)
		if got := ti.ModelFlops(); got != direct {
			t.Fatalf("conv 3×3 (algorithm %d): ModelFlops %d, want the direct %d", s.algo, got, direct)
		}
		for _, grads := range []struct {
			x, w bool
			want int64
		}{{true, true, 3 * direct}, {false, true, 2 * direct}, {true, false, 2 * direct}} {
			xg, wg := randTensor(r, b, c, hw, hw), randTensor(r, oc, c, 3, 3)
			if grads.x {
				xg.SetRequiresGrad()
			}
			if grads.w {
				wg.SetRequiresGrad()
			}
			tp := NewTape()
			tp.Backward(tp.Sum(tp.conv2dAlgo(s.algo, xg, wg, nil, nil, 1)))
			if got := tp.ModelFlops(); got != grads.want {
				t.Fatalf("conv 3×3 (algorithm %d), gradients of x %v, w %v: ModelFlops %d, want %d", s.algo, grads.x, grads.w, got, grads.want)
			}
		}
	}
}

// At BF16 precision a product's inputs are rounded to bfloat16: against
// the float64 product of the float32 inputs, each term's error is at most
// (2u + u²)|a||b| with u = 2⁻⁸, plus float32 summation error γ_k Σ|a||b|.
// The float32 tape must be far more accurate (the test would not notice
// a BF16 setting that did nothing otherwise).
func TestBF16MatMulWithinBound(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const m, k, n = 67, 301, 45
	a, b := randTensor(r, m, k), randTensor(r, k, n)
	var out [2][]float32
	for i, p := range []Precision{Float32, BF16} {
		tp := NewInferenceTape()
		tp.SetPrecision(p)
		out[i] = tp.MatMul(a, b, false, false).Data
	}
	const u = 1.0 / 256
	gamma := float64(k) * 0x1p-24 / (1 - float64(k)*0x1p-24)
	var worst32, worstBF [2]float64 // largest error / bound, error / Σ|a||b|
	for i := range m {
		for j := range n {
			var exact, abs float64
			for l := range k {
				p := float64(a.Data[i*k+l]) * float64(b.Data[l*n+j])
				exact += p
				abs += math.Abs(p)
			}
			bound := (2*u+u*u)*abs + gamma*abs
			e16 := math.Abs(float64(out[1][i*n+j]) - exact)
			e32 := math.Abs(float64(out[0][i*n+j]) - exact)
			if e16 > bound {
				t.Fatalf("bf16 C[%d,%d] = %v, exact %v: error %.3g over the bound %.3g", i, j, out[1][i*n+j], exact, e16, bound)
			}
			worstBF = [2]float64{max(worstBF[0], e16/bound), max(worstBF[1], e16/abs)}
			worst32 = [2]float64{max(worst32[0], e32/bound), max(worst32[1], e32/abs)}
		}
	}
	// bfloat16 rounding of normal inputs gives errors near u/4 of Σ|a||b|
	// on some element; float32's are ~2⁻²⁴·√k smaller.
	if worstBF[1] < u/64 {
		t.Errorf("bf16 products are too accurate (worst relative error %.3g): inputs not rounded?", worstBF[1])
	}
	if worst32[1] > u/1024 {
		t.Errorf("float32 products have relative error %.3g: rounded like bf16?", worst32[1])
	}
	t.Logf("worst error / Σ|a||b|: bf16 %.3g, float32 %.3g", worstBF[1], worst32[1])
}

// Mixed precision keeps the engine's promise: the same bits on any
// number of workers.
func TestBF16IsDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x, w, bias := randTensor(r, 13, 16, 14, 14), randTensor(r, 24, 16, 3, 3), randTensor(r, 24)
	lx, lw, lb := randTensor(r, 301, 203), randTensor(r, 149, 203), randTensor(r, 149)
	cases := []detCase{
		{"bf16 conv", leaves(x, w, bias), func(tp *Tape) *Tensor { return tp.Conv2d(x, w, bias, 1) }},
		{"bf16 Linear", leaves(lx, lw, lb), func(tp *Tape) *Tensor { return tp.Linear(lx, lw, lb) }},
	}
	for _, c := range cases {
		build := c.build
		c.build = func(tp *Tape) *Tensor {
			tp.SetPrecision(BF16)
			return build(tp)
		}
		checkDeterministic(t, c)
	}
}

func ExampleTape_SetPrecision() {
	a := FromData([]float32{1.001, 2}, 1, 2)
	b := FromData([]float32{1, 1}, 2, 1)
	for _, p := range []Precision{Float32, BF16} {
		tp := NewInferenceTape()
		tp.SetPrecision(p)
		fmt.Printf("%v: %.4f (%d flops)\n", p, tp.MatMul(a, b, false, false).Data[0], tp.GEMMFlops())
	}
	// Output:
	// float32: 3.0010 (4 flops)
	// bf16: 3.0000 (4 flops)
}
