package ag

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// detWorkers are the worker counts every op must agree on bit for bit: one
// (the sequential reference), the even split, and two counts that divide
// neither the batches nor the 16-lane vector blocks evenly.
var detWorkers = []int{1, 2, 3, 5}

// detCase is one op under test: build records the forward pass on tp from
// the leaves (which the case owns) and returns the output.
type detCase struct {
	name   string
	leaves []*Tensor
	build  func(tp *Tape) *Tensor
}

// detRun runs the case's forward and backward on a fresh tape with the
// given worker count. The loss is Σ out⊙r for a fixed random r, so every
// output element receives a different gradient. It returns the output
// followed by the gradient of every leaf, in order.
func detRun(c detCase, workers int) [][]float32 {
	for _, l := range c.leaves {
		l.ZeroGrad()
	}
	tp := NewTape()
	tp.SetWorkers(workers)
	out := c.build(tp)
	r := rand.New(rand.NewPCG(7, 7))
	probe := tp.NewTensor(out.Shape...)
	for i := range probe.Data {
		probe.Data[i] = float32(r.NormFloat64())
	}
	tp.Backward(tp.Dot(out, probe))
	res := [][]float32{append([]float32(nil), out.Data...)}
	for _, l := range c.leaves {
		res = append(res, append([]float32(nil), l.Grad...))
	}
	return res
}

// checkDeterministic asserts that every worker count in detWorkers gives the
// same bits as one worker, naming the first tensor and element that differ.
func checkDeterministic(t *testing.T, c detCase) {
	t.Helper()
	ref := detRun(c, 1)
	for _, w := range detWorkers[1:] {
		got := detRun(c, w)
		for k := range ref {
			what := "output"
			if k > 0 {
				what = fmt.Sprintf("gradient of leaf %d %v", k-1, c.leaves[k-1].Shape)
			}
			if n, i := bitDiff(ref[k], got[k]); n > 0 {
				t.Errorf("%s, %d workers: %s differs from 1 worker in %d of %d elements (first at %d: %v vs %v)",
					c.name, w, what, n, len(ref[k]), i, got[k][i], ref[k][i])
			}
		}
	}
}

// bitDiff counts the elements whose bits differ and returns the first one.
func bitDiff(a, b []float32) (n, first int) {
	first = -1
	if len(a) != len(b) {
		return max(len(a), len(b)), 0
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	return n, first
}

func leaves(xs ...*Tensor) []*Tensor {
	for _, x := range xs {
		x.SetRequiresGrad()
	}
	return xs
}

func TestConvIsDeterministic(t *testing.T) {
	for _, s := range []struct {
		b, c, o, hw, k, pad int
	}{
		{9, 16, 16, 28, 3, 1},  // one image per GEMM
		{13, 16, 24, 14, 3, 1}, // groups of three images
		{11, 8, 8, 7, 3, 1},    // groups of ten, one ragged
		{9, 24, 16, 28, 1, 0},  // 1×1 reading the image in place
		{13, 24, 16, 14, 1, 0}, // 1×1 on groups
		{7, 6, 5, 12, 3, 0},    // no padding
	} {
		r := rand.New(rand.NewPCG(uint64(s.b), uint64(s.hw)))
		x := randTensor(r, s.b, s.c, s.hw, s.hw)
		w := randTensor(r, s.o, s.c, s.k, s.k)
		bias := randTensor(r, s.o)
		e := randTensor(r, s.b, s.o)
		name := fmt.Sprintf("conv %d×%d pad %d on %v → %d", s.k, s.k, s.pad, x.Shape, s.o)
		checkDeterministic(t, detCase{name, leaves(x, w, bias, e), func(tp *Tape) *Tensor {
			return tp.Conv2dAdd(x, w, bias, e, s.pad)
		}})
		if s.k == 3 && s.pad == 1 { // both algorithms, whichever Conv2dAdd picks
			for _, algo := range []convAlgo{convIm2col, convWinograd} {
				checkDeterministic(t, detCase{fmt.Sprintf("%s, algorithm %d", name, algo), leaves(x, w, bias, e), func(tp *Tape) *Tensor {
					return tp.conv2dAlgo(algo, x, w, bias, e, s.pad)
				}})
			}
		}
	}
}

func TestGroupNormIsDeterministic(t *testing.T) {
	for _, silu := range []bool{false, true} {
		r := rand.New(rand.NewPCG(3, 4))
		x := randTensor(r, 11, 32, 14, 14)
		gamma, beta := randTensor(r, 32), randTensor(r, 32)
		name := fmt.Sprintf("GroupNorm (SiLU %v) on %v", silu, x.Shape)
		checkDeterministic(t, detCase{name, leaves(x, gamma, beta), func(tp *Tape) *Tensor {
			if silu {
				return tp.GroupNormSiLU(x, 8, gamma, beta, 1e-5)
			}
			return tp.GroupNorm(x, 8, gamma, beta, 1e-5)
		}})
	}
}

func TestAttentionIsDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	qkv := randTensor(r, 7, 3*32, 7, 7)
	checkDeterministic(t, detCase{"attention on " + fmt.Sprint(qkv.Shape), leaves(qkv), func(tp *Tape) *Tensor {
		return tp.Attention(qkv)
	}})
}

func TestMatMulAndLinearAreDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		m, k, n := 131, 257, 97
		as, bs := []int{m, k}, []int{k, n}
		if tr[0] {
			as = []int{k, m}
		}
		if tr[1] {
			bs = []int{n, k}
		}
		a, b := randTensor(r, as...), randTensor(r, bs...)
		checkDeterministic(t, detCase{fmt.Sprintf("MatMul %v·%v (transposed %v)", as, bs, tr), leaves(a, b), func(tp *Tape) *Tensor {
			return tp.MatMul(a, b, tr[0], tr[1])
		}})
	}
	x, w, bias := randTensor(r, 301, 203), randTensor(r, 149, 203), randTensor(r, 149)
	checkDeterministic(t, detCase{"Linear", leaves(x, w, bias), func(tp *Tape) *Tensor {
		return tp.Linear(x, w, bias)
	}})
}

// The element-wise ops split large tensors over workers; the 16-lane
// assembly and the Go tails must not meet at a worker-dependent place.
func TestElementwiseOpsAreDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	shape := []int{5, 7, 30, 38} // 39900 elements: above parallelMin, halves not 16-aligned
	a, b := randTensor(r, shape...), randTensor(r, shape...)
	bc := randTensor(r, 5, 7, 1, 1)
	c := randTensor(r, 5, 3, 30, 38)
	emb := randTensor(r, 5)
	checkDeterministic(t, detCase{"element-wise chain on " + fmt.Sprint(shape), leaves(a, b, bc, c, emb), func(tp *Tape) *Tensor {
		h := tp.SiLU(tp.Add(a, bc))
		h = tp.AddScale(h, tp.Mul(b, bc), 0.7)
		h = tp.Scale(tp.SiLU(h), 1.3)
		h = tp.Concat(h, c)
		h = tp.Upsample2(tp.AvgPool2(h))
		p := tp.Reshape(tp.PosEmb(emb, 8), 5, 8, 1, 1)
		w := tp.Reshape(tp.Sum(tp.Mul(p, p)), 1)
		return tp.Mul(h, tp.Add(tp.Reshape(tp.WeightedMSE(h, tp.SiLU(h), emb), 1, 1, 1, 1), w))
	}})
}

// UpsampleConcat must give the bits of Concat(Upsample2(a), b), forward and
// backward, on any number of workers: with a and b intermediates that only
// it consumes (their gradients are written) and with a second consumer of
// each (recorded later, so it reaches them first and the join's gradients
// are added).
func TestUpsampleConcatMatchesComposition(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	a, b := randTensor(r, 5, 8, 7, 7), randTensor(r, 5, 24, 14, 14) // above parallelMin
	build := func(fused, second bool) func(tp *Tape) *Tensor {
		return func(tp *Tape) *Tensor {
			ha, hb := tp.Scale(a, 1.5), tp.Scale(b, -0.5)
			var h *Tensor
			if fused {
				h = tp.UpsampleConcat(ha, hb)
			} else {
				h = tp.Concat(tp.Upsample2(ha), hb)
			}
			if !second {
				return h
			}
			extra := tp.Add(tp.Reshape(tp.Sum(tp.Mul(ha, ha)), 1), tp.Reshape(tp.Sum(hb), 1))
			return tp.Mul(h, tp.Reshape(extra, 1, 1, 1, 1))
		}
	}
	for _, second := range []bool{false, true} {
		for _, w := range detWorkers {
			want := detRun(detCase{"composition", leaves(a, b), build(false, second)}, 1)
			got := detRun(detCase{"fused", leaves(a, b), build(true, second)}, w)
			for k := range want {
				if n, i := bitDiff(want[k], got[k]); n > 0 {
					t.Errorf("second consumer %v, %d workers: tensor %d differs from the composition in %d of %d elements (first at %d: %v vs %v)",
						second, w, k, n, len(want[k]), i, got[k][i], want[k][i])
				}
			}
		}
	}
}
