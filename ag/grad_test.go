package ag

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// An opCase checks one op against a naive float64 reference: the forward
// output, and the op's float32 analytic gradient of L = Σ out·g against
// central finite differences of the float64 reference (step 1e-5, whose
// truncation error ~1e-10 is far below the tolerances).
type opCase struct {
	name   string
	shapes [][]int
	build  func(t *Tape, in []*Tensor) *Tensor
	ref    func(in [][]float64) []float64
	noGrad []bool  // inputs not to differentiate (constants)
	tolF   float64 // forward: ‖out − ref‖/‖ref‖
	tolG   float64 // gradients: ‖analytic − fd‖/‖fd‖ per input
	init   func(i int, r *rand.Rand) float64
}

func relErr(a []float32, b []float64) float64 {
	var num, den float64
	for i := range b {
		d := float64(a[i]) - b[i]
		num += d * d
		den += b[i] * b[i]
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

// runOpCase checks c twice: with the op's inputs as leaves (its backward
// accumulates into their gradients) and as intermediates behind an
// identity op (its backward is the first to write their fresh gradients).
func runOpCase(t *testing.T, c opCase) {
	t.Helper()
	runOpCaseMode(t, c, false)
	runOpCaseMode(t, c, true)
}

func runOpCaseMode(t *testing.T, c opCase, behind bool) {
	t.Helper()
	if behind {
		c.name += "/intermediate-inputs"
	}
	r := rand.New(rand.NewPCG(7, uint64(len(c.name))))
	in := make([]*Tensor, len(c.shapes))
	in64 := make([][]float64, len(c.shapes))
	for i, s := range c.shapes {
		x := NewTensor(s...)
		in64[i] = make([]float64, x.Numel())
		for j := range x.Data {
			v := r.NormFloat64()
			if c.init != nil {
				v = c.init(i, r)
			}
			x.Data[j] = float32(v)
			in64[i][j] = float64(x.Data[j])
		}
		if c.noGrad == nil || !c.noGrad[i] {
			x.SetRequiresGrad()
		}
		in[i] = x
	}
	tp := NewTape()
	args := in
	if behind {
		args = make([]*Tensor, len(in))
		for i, x := range in {
			args[i] = tp.Scale(x, 1)
		}
	}
	out := c.build(tp, args)
	want := c.ref(in64)
	if len(want) != out.Numel() {
		t.Fatalf("%s: output has %d elements, reference %d", c.name, out.Numel(), len(want))
	}
	if e := relErr(out.Data, want); e > c.tolF || math.IsNaN(e) {
		t.Errorf("%s forward: relative error %.3g > %.3g", c.name, e, c.tolF)
	}
	g := NewTensor(out.Shape...)
	g64 := make([]float64, g.Numel())
	for j := range g.Data {
		g.Data[j] = float32(r.NormFloat64())
		g64[j] = float64(g.Data[j])
	}
	tp.Backward(tp.Dot(out, g))
	loss := func() float64 {
		var s float64
		for j, v := range c.ref(in64) {
			s += v * g64[j]
		}
		return s
	}
	const h = 1e-5
	for i := range in {
		if c.noGrad != nil && c.noGrad[i] {
			continue
		}
		fd := make([]float64, len(in64[i]))
		for j := range in64[i] {
			v := in64[i][j]
			in64[i][j] = v + h
			lp := loss()
			in64[i][j] = v - h
			lm := loss()
			in64[i][j] = v
			fd[j] = (lp - lm) / (2 * h)
		}
		if e := relErr(in[i].Grad, fd); e > c.tolG || math.IsNaN(e) {
			t.Errorf("%s grad of input %d %v: relative error %.3g > %.3g", c.name, i, c.shapes[i], e, c.tolG)
		}
	}
}

func idx4(s []int, a, b, c, d int) int { return ((a*s[1]+b)*s[2]+c)*s[3] + d }

// refBroadcast applies f element-wise with NumPy broadcasting (rank ≤ 4).
func refBroadcast(as, bs []int, a, b []float64, f func(x, y float64) float64) []float64 {
	pad := func(s []int) []int {
		p := []int{1, 1, 1, 1}
		copy(p[4-len(s):], s)
		return p
	}
	pa, pb := pad(as), pad(bs)
	var os [4]int
	for i := range os {
		os[i] = max(pa[i], pb[i])
	}
	var out []float64
	pick := func(p []int, i, d int) int {
		if p[d] == 1 {
			return 0
		}
		return i
	}
	for i0 := 0; i0 < os[0]; i0++ {
		for i1 := 0; i1 < os[1]; i1++ {
			for i2 := 0; i2 < os[2]; i2++ {
				for i3 := 0; i3 < os[3]; i3++ {
					x := a[idx4(pa, pick(pa, i0, 0), pick(pa, i1, 1), pick(pa, i2, 2), pick(pa, i3, 3))]
					y := b[idx4(pb, pick(pb, i0, 0), pick(pb, i1, 1), pick(pb, i2, 2), pick(pb, i3, 3))]
					out = append(out, f(x, y))
				}
			}
		}
	}
	return out
}

func refMatMul(a, b []float64, as, bs []int, ta, tb bool) []float64 {
	m, k := as[0], as[1]
	if ta {
		m, k = k, m
	}
	n := bs[1]
	if tb {
		n = bs[0]
	}
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float64
				if ta {
					av = a[p*as[1]+i]
				} else {
					av = a[i*as[1]+p]
				}
				if tb {
					bv = b[j*bs[1]+p]
				} else {
					bv = b[p*bs[1]+j]
				}
				s += av * bv
			}
			out[i*n+j] = s
		}
	}
	return out
}

func TestElementwiseAndLinearGrads(t *testing.T) {
	var cases []opCase
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		ta, tb := tr[0], tr[1]
		as, bs := []int{3, 5}, []int{5, 4}
		if ta {
			as = []int{5, 3}
		}
		if tb {
			bs = []int{4, 5}
		}
		cases = append(cases, opCase{
			name: fmt.Sprintf("MatMul/tA=%v,tB=%v", ta, tb), shapes: [][]int{as, bs},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.MatMul(in[0], in[1], ta, tb) },
			ref:   func(in [][]float64) []float64 { return refMatMul(in[0], in[1], as, bs, ta, tb) },
			tolF:  1e-6, tolG: 1e-5,
		})
	}
	cases = append(cases, opCase{
		name: "Linear", shapes: [][]int{{4, 6}, {3, 6}, {3}},
		build: func(tp *Tape, in []*Tensor) *Tensor { return tp.Linear(in[0], in[1], in[2]) },
		ref: func(in [][]float64) []float64 {
			out := refMatMul(in[0], in[1], []int{4, 6}, []int{3, 6}, false, true)
			for i := range out {
				out[i] += in[2][i%3]
			}
			return out
		},
		tolF: 1e-6, tolG: 1e-5,
	})
	for _, sh := range [][2][]int{
		{{2, 3, 4, 5}, {2, 3, 4, 5}},
		{{2, 3, 4, 5}, {2, 3, 1, 1}},
		{{5, 3}, {5, 1}},
		{{2, 1, 4}, {3, 1}},
		{{3, 1, 1, 1}, {3, 2, 4, 4}},
	} {
		as, bs := sh[0], sh[1]
		cases = append(cases,
			opCase{
				name: fmt.Sprintf("Add%v%v", as, bs), shapes: [][]int{as, bs},
				build: func(tp *Tape, in []*Tensor) *Tensor { return tp.Add(in[0], in[1]) },
				ref: func(in [][]float64) []float64 {
					return refBroadcast(as, bs, in[0], in[1], func(x, y float64) float64 { return x + y })
				},
				tolF: 1e-6, tolG: 1e-5,
			},
			opCase{
				name: fmt.Sprintf("Mul%v%v", as, bs), shapes: [][]int{as, bs},
				build: func(tp *Tape, in []*Tensor) *Tensor { return tp.Mul(in[0], in[1]) },
				ref: func(in [][]float64) []float64 {
					return refBroadcast(as, bs, in[0], in[1], func(x, y float64) float64 { return x * y })
				},
				tolF: 1e-6, tolG: 1e-5,
			})
	}
	cases = append(cases,
		opCase{
			name: "Scale", shapes: [][]int{{3, 4}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.Scale(in[0], -0.7) },
			ref: func(in [][]float64) []float64 {
				out := make([]float64, len(in[0]))
				for i, v := range in[0] {
					out[i] = float64(float32(-0.7)) * v
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "AddScale", shapes: [][]int{{3, 4}, {3, 4}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.AddScale(in[0], in[1], 0.5) },
			ref: func(in [][]float64) []float64 {
				out := make([]float64, len(in[0]))
				for i := range out {
					out[i] = 0.5 * (in[0][i] + in[1][i])
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			// Intermediates: h is fresh and takes over the output gradient,
			// k already has a gradient (from the Add) and accumulates.
			name: "AddScale of intermediates", shapes: [][]int{{37}, {37}},
			build: func(tp *Tape, in []*Tensor) *Tensor {
				h, k := tp.Scale(in[0], 1.5), tp.Scale(in[1], -0.5)
				return tp.Add(tp.AddScale(h, k, 0.5), k)
			},
			ref: func(in [][]float64) []float64 {
				out := make([]float64, len(in[0]))
				for i := range out {
					h, k := float64(float32(1.5))*in[0][i], float64(float32(-0.5))*in[1][i]
					out[i] = 0.5*(h+k) + k
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "AddScale(x,x)+x", shapes: [][]int{{5}},
			build: func(tp *Tape, in []*Tensor) *Tensor {
				h := tp.Scale(in[0], 1)
				return tp.Add(tp.AddScale(h, h, 0.5), h)
			},
			ref: func(in [][]float64) []float64 {
				out := make([]float64, len(in[0]))
				for i, v := range in[0] {
					out[i] = 2 * v
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "SiLU", shapes: [][]int{{4, 7}},
			init:  func(_ int, r *rand.Rand) float64 { return 3 * r.NormFloat64() },
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.SiLU(in[0]) },
			ref: func(in [][]float64) []float64 {
				out := make([]float64, len(in[0]))
				for i, v := range in[0] {
					out[i] = v / (1 + math.Exp(-v))
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "Reshape+Mul", shapes: [][]int{{2, 6}, {2, 3, 2}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.Mul(tp.Reshape(in[0], 2, -1, 2), in[1]) },
			ref: func(in [][]float64) []float64 {
				out := make([]float64, len(in[0]))
				for i := range out {
					out[i] = in[0][i] * in[1][i]
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "Sum", shapes: [][]int{{3, 5}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.Sum(in[0]) },
			ref: func(in [][]float64) []float64 {
				var s float64
				for _, v := range in[0] {
					s += v
				}
				return []float64{s}
			},
			tolF: 1e-6, tolG: 1e-6,
		},
		opCase{
			name: "WeightedMSE", shapes: [][]int{{3, 2, 4}, {3, 2, 4}, {3}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.WeightedMSE(in[0], in[1], in[2]) },
			ref: func(in [][]float64) []float64 {
				var s float64
				for i := range in[0] {
					d := in[0][i] - in[1][i]
					s += in[2][i/8] * d * d
				}
				return []float64{s / 24}
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "PosEmb", shapes: [][]int{{3}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.PosEmb(in[0], 8) },
			ref: func(in [][]float64) []float64 {
				var out []float64
				for _, c := range in[0] {
					row := make([]float64, 8)
					for i := 0; i < 4; i++ {
						f := math.Pow(1e-4, float64(i)/3)
						row[i], row[4+i] = math.Cos(c*f), math.Sin(c*f)
					}
					out = append(out, row...)
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runOpCase(t, c) })
	}
}

func TestBackwardAccumulatesSharedInput(t *testing.T) {
	// y = x⊙x + 2x uses x three times; dy/dx = 2x + 2.
	x := FromData([]float32{1, -2, 3}, 3).SetRequiresGrad()
	tp := NewTape()
	tp.Backward(tp.Sum(tp.Add(tp.Mul(x, x), tp.Scale(x, 2))))
	for i, want := range []float32{4, -2, 8} {
		if x.Grad[i] != want {
			t.Errorf("grad[%d] = %v, want %v", i, x.Grad[i], want)
		}
	}
}

func TestInferenceTapeRecordsNothing(t *testing.T) {
	x := FromData([]float32{1, 2}, 1, 2).SetRequiresGrad()
	w := FromData([]float32{1, 0, 0, 1}, 2, 2).SetRequiresGrad()
	tp := NewInferenceTape()
	y := tp.Linear(x, w, nil)
	if y.RequiresGrad || len(tp.nodes) != 0 {
		t.Fatalf("inference tape recorded: RequiresGrad=%v nodes=%d", y.RequiresGrad, len(tp.nodes))
	}
	if y.Data[0] != 1 || y.Data[1] != 2 {
		t.Fatalf("identity linear gave %v", y.Data)
	}
}

func TestResetReusesBuffers(t *testing.T) {
	tp := NewTape()
	x := FromData([]float32{1, 2, 3, 4}, 2, 2).SetRequiresGrad()
	step := func() *Tensor {
		tp.Reset()
		// No MatMul here: Sgemm's own bookkeeping is the gemm package's business.
		h := tp.SiLU(tp.Add(tp.Mul(x, x), tp.Scale(tp.Reshape(x, 2, 2), 2)))
		l := tp.Sum(h)
		tp.Backward(l)
		return h
	}
	h1 := step()
	p1 := &h1.Data[0]
	h2 := step()
	if &h2.Data[0] != p1 {
		t.Error("second pass did not reuse the first pass's buffer")
	}
	if n := testing.AllocsPerRun(20, func() { step() }); n > 0 {
		t.Errorf("steady-state step allocates %v times", n)
	}
}
