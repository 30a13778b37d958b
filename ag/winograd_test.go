package ag

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/gemm"
)

// refConvGrads returns the float64 gradients of L = Σ out·dy for the 3×3,
// pad-1 convolution of x [B,C,H,W] with w [O,C,3,3]: dX, dW, db and the
// per-sample bias gradient de [B,O], by the direct sums.
func refConvGrads(x, w, dy []float64, bs, c, h, wd, o int) (dx, dw, db, de []float64) {
	dx = make([]float64, bs*c*h*wd)
	dw = make([]float64, o*c*9)
	db = make([]float64, o)
	de = make([]float64, bs*o)
	for n := 0; n < bs; n++ {
		for oc := 0; oc < o; oc++ {
			for y := 0; y < h; y++ {
				for xx := 0; xx < wd; xx++ {
					g := dy[((n*o+oc)*h+y)*wd+xx]
					db[oc] += g
					de[n*o+oc] += g
					for ic := 0; ic < c; ic++ {
						for ky := 0; ky < 3; ky++ {
							for kx := 0; kx < 3; kx++ {
								iy, ix := y+ky-1, xx+kx-1
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								xi := ((n*c+ic)*h+iy)*wd + ix
								wi := ((oc*c+ic)*3+ky)*3 + kx
								dx[xi] += w[wi] * g
								dw[wi] += x[xi] * g
							}
						}
					}
				}
			}
		}
	}
	return dx, dw, db, de
}

func abs64(x []float64) []float64 {
	a := make([]float64, len(x))
	for i, v := range x {
		a[i] = math.Abs(v)
	}
	return a
}

func to64(x []float32) []float64 {
	a := make([]float64, len(x))
	for i, v := range x {
		a[i] = float64(v)
	}
	return a
}

// worstRatio returns max |got − want| / bound over the elements, and where
// (+Inf at the first NaN).
func worstRatio(got []float32, want, bound []float64) (float64, int) {
	var r float64
	at := -1
	for i := range want {
		d := math.Abs(float64(got[i])-want[i]) / math.Max(bound[i], 1e-30)
		if math.IsNaN(d) {
			return math.Inf(1), i
		}
		if d > r {
			r, at = d, i
		}
	}
	return r, at
}

// winoTol bounds the error of every output and gradient element relative
// to the sum of the magnitudes of its terms (Σ|w||x| for the output,
// Σ|w||dy| for dX, Σ|x||dy| for dW, Σ|dy| for the biases). Float32 sums of
// n terms are within about n·2⁻²⁴ of that; the transforms add a few
// roundings of sums of up to 16 terms. The largest ratio measured on these
// shapes is below 1e-6.
const winoTol = 5e-6

// Winograd's forward, dX, dW, db and de must match the float64 direct
// convolution within winoTol relative to the magnitude sums, on even and
// odd sizes, channel counts that are not multiples of 16, one image and
// several (and groups of images for the products), on one and on three
// workers. The im2col path must meet the same bound on the same data, and
// the two must differ somewhere in the last bits: both really ran.
func TestWinogradMatchesDirectConvolution(t *testing.T) {
	for _, s := range []struct{ b, c, h, w, o, workers int }{
		{1, 3, 4, 4, 2, 1},     // one tile row, one image
		{2, 5, 7, 7, 6, 1},     // odd: partial last tiles
		{3, 7, 5, 3, 9, 3},     // odd, non-square, narrower than a tile pair
		{1, 17, 1, 1, 5, 1},    // a single pixel
		{2, 4, 2, 9, 3, 1},     // one tile row, odd width
		{40, 9, 7, 7, 11, 3},   // groups of 16, 16, 8 images
		{5, 33, 14, 14, 20, 3}, // groups of five
		{2, 18, 28, 28, 35, 1}, // one image per group, wide products
		{37, 5, 28, 28, 6, 2},  // 37 groups in 16 parts of two or three
	} {
		t.Run(fmt.Sprintf("%+v", s), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(s.b*s.c), uint64(s.h*s.w+s.o)))
			x := randTensor(r, s.b, s.c, s.h, s.w)
			w := randTensor(r, s.o, s.c, 3, 3)
			bias := randTensor(r, s.o)
			e := randTensor(r, s.b, s.o)
			dy := randTensor(r, s.b, s.o, s.h, s.w)
			x64, w64, dy64 := to64(x.Data), to64(w.Data), to64(dy.Data)
			want := refConv(x64, w64, to64(bias.Data), s.b, s.c, s.h, s.w, s.o, 3, 1)
			bound := refConv(abs64(x64), abs64(w64), abs64(to64(bias.Data)), s.b, s.c, s.h, s.w, s.o, 3, 1)
			hw := s.h * s.w
			for i := range want {
				want[i] += float64(e.Data[i/hw])
				bound[i] += math.Abs(float64(e.Data[i/hw]))
			}
			dx, dw, db, de := refConvGrads(x64, w64, dy64, s.b, s.c, s.h, s.w, s.o)
			bx, bw, bb, be := refConvGrads(abs64(x64), abs64(w64), abs64(dy64), s.b, s.c, s.h, s.w, s.o)

			var outs [2][]float32
			for k, algo := range []convAlgo{convWinograd, convIm2col} {
				for _, l := range leaves(x, w, bias, e) {
					l.ZeroGrad()
				}
				tp := NewTape()
				tp.SetWorkers(s.workers)
				dirtyScratch(tp, 1<<20)
				out := tp.conv2dAlgo(algo, x, w, bias, e, 1)
				if got := convAlgo(tp.nodes[len(tp.nodes)-1].i[1]); got != algo {
					t.Fatalf("asked for algorithm %d, the tape recorded %d", algo, got)
				}
				tp.Backward(tp.Dot(out, dy))
				outs[k] = append([]float32(nil), out.Data...)
				for _, c := range []struct {
					what        string
					got         []float32
					want, bound []float64
				}{
					{"output", out.Data, want, bound},
					{"dX", x.Grad, dx, bx},
					{"dW", w.Grad, dw, bw},
					{"db", bias.Grad, db, bb},
					{"de", e.Grad, de, be},
				} {
					rt, at := worstRatio(c.got, c.want, c.bound)
					t.Logf("algorithm %d: %s: worst error %.2g × the magnitude sum", algo, c.what, rt)
					if rt > winoTol {
						t.Errorf("algorithm %d: %s[%d] = %v, want %v: error %.3g × the magnitude sum %.3g > %.0e",
							algo, c.what, at, c.got[at], c.want[at], rt, c.bound[at], winoTol)
					}
				}
			}
			if n, _ := bitDiff(outs[0], outs[1]); n == 0 && s.c*s.h*s.w > 1 {
				t.Errorf("Winograd and im2col outputs are bit for bit equal: Winograd did not run")
			}
		})
	}
}

// Gradients through the tape against central finite differences of the
// float64 reference, with the inputs as leaves and as intermediates.
func TestWinogradGrads(t *testing.T) {
	for _, s := range []struct{ bs, c, h, w, o int }{
		{2, 3, 5, 4, 4},
		{3, 2, 7, 7, 3},
		{2, 4, 5, 3, 2},
	} {
		c := opCase{
			name:   fmt.Sprintf("Winograd%+v", s),
			shapes: [][]int{{s.bs, s.c, s.h, s.w}, {s.o, s.c, 3, 3}, {s.o}, {s.bs, s.o}},
			build: func(tp *Tape, in []*Tensor) *Tensor {
				return tp.conv2dAlgo(convWinograd, in[0], in[1], in[2], in[3], 1)
			},
			ref: func(in [][]float64) []float64 {
				out := refConv(in[0], in[1], in[2], s.bs, s.c, s.h, s.w, s.o, 3, 1)
				hw := s.h * s.w
				for i := range out {
					out[i] += in[3][i/hw]
				}
				return out
			},
			tolF: 1e-5, tolG: 1e-4,
		}
		t.Run(c.name, func(t *testing.T) { runOpCase(t, c) })
		// Only the biases need gradients: no transform runs backward.
		c.name += "/biases-only"
		c.noGrad = []bool{true, true, false, false}
		t.Run(c.name, func(t *testing.T) { runOpCase(t, c) })
	}
}

// Winograd's output and every gradient must be the same bits on 1, 2, 3
// and 5 workers, with batches that split unevenly into groups and parts.
func TestWinogradIsDeterministic(t *testing.T) {
	for _, s := range []struct{ b, c, o, h, w int }{
		{9, 16, 16, 28, 28}, // one image per group
		{13, 24, 16, 14, 14},
		{37, 8, 12, 7, 7}, // groups of 16, one ragged
		{11, 9, 10, 5, 3}, // odd, non-square
	} {
		r := rand.New(rand.NewPCG(uint64(s.b), uint64(s.h)))
		x := randTensor(r, s.b, s.c, s.h, s.w)
		w := randTensor(r, s.o, s.c, 3, 3)
		bias := randTensor(r, s.o)
		e := randTensor(r, s.b, s.o)
		name := fmt.Sprintf("Winograd on %v → %d", x.Shape, s.o)
		checkDeterministic(t, detCase{name, leaves(x, w, bias, e), func(tp *Tape) *Tensor {
			return tp.conv2dAlgo(convWinograd, x, w, bias, e, 1)
		}})
	}
}

// The automatic choice: Winograd for the U-Net's 3×3, pad-1 convolutions on
// 7×7 to 28×28 maps at float32; im2col in bf16 mode, for one input channel,
// on maps smaller than 7 or wider than 32, and for other kernels.
func TestWinogradDispatch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct {
		c, o, hw, k, pad int
		prec             Precision
		want             convAlgo
	}{
		{32, 32, 14, 3, 1, Float32, convWinograd},
		{96, 32, 28, 3, 1, Float32, convWinograd},
		{32, 32, 14, 3, 1, BF16, convIm2col},
		{64, 64, 7, 3, 1, Float32, convWinograd},
		{32, 1, 28, 3, 1, Float32, convWinograd},
		{1, 32, 28, 3, 1, Float32, convIm2col},
		{64, 64, 5, 3, 1, Float32, convIm2col},
		{32, 32, 40, 3, 1, Float32, convIm2col},
		{32, 32, 14, 1, 0, Float32, convIm2col},
		{32, 32, 14, 3, 0, Float32, convIm2col},
	} {
		x := randTensor(r, 2, s.c, s.hw, s.hw).SetRequiresGrad()
		w := randTensor(r, s.o, s.c, s.k, s.k)
		tp := NewTape()
		tp.SetPrecision(s.prec)
		tp.Conv2d(x, w, nil, s.pad)
		if got := convAlgo(tp.nodes[len(tp.nodes)-1].i[1]); got != s.want {
			t.Errorf("%+v: algorithm %d, want %d", s, got, s.want)
		}
	}
}

// The AVX-512 transform steps must give the same bits as the Go steps, for
// every plane size up to 32 (odd and even, one tile and many), on each of
// the four plane transforms.
func TestWinogradTransformsVecMatchGo(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 on this CPU: only the Go transforms run")
	}
	r := rand.New(rand.NewPCG(5, 5))
	for _, h := range []int{1, 2, 3, 7, 14, 28} {
		for w := 1; w <= 33; w++ {
			th, tw := (h+1)/2, (w+1)/2
			n := th * tw
			sx := n + 3 // the 16 matrices not packed end to end
			x := randTensor(r, h, w).Data
			m := randTensor(r, 16*sx).Data
			dx0 := randTensor(r, h, w).Data
			run := func(vec bool) [][]float32 {
				buf := make([]float32, winoBufLen(h, w))
				for i := range buf {
					buf[i] = float32(math.NaN()) // what earlier planes leave
				}
				v := make([]float32, 16*sx)
				winoInputPads(buf, h, w)
				winoInput(vec, v, sx, x, h, w, buf)
				y := make([]float32, h*w)
				winoOutput(vec, y, m, sx, h, w, 0.25, buf)
				dm := make([]float32, 16*sx)
				winoGradOutPads(buf, h, w)
				sum := winoGradOut(vec, dm, sx, x, h, w, buf)
				dx := append([]float32(nil), dx0...)
				winoGradIn(vec, dx, m, sx, h, w, false, buf)
				dxw := append([]float32(nil), dx0...)
				winoGradIn(vec, dxw, m, sx, h, w, true, buf)
				return [][]float32{v, y, dm, dx, dxw, {sum}}
			}
			want, got := run(false), run(true)
			for k, what := range []string{"input", "output", "output gradient", "input gradient (added)", "input gradient (written)", "plane sum"} {
				for i, v := range got[k] {
					if math.IsNaN(float64(v)) {
						t.Fatalf("%d×%d %s transform: NaN at %d: a padding row was read before it was zeroed", h, w, what, i)
					}
				}
				if n, i := bitDiff(want[k], got[k]); n > 0 {
					t.Errorf("%d×%d %s transform: assembly differs from Go in %d values (first at %d: %v vs %v)",
						h, w, what, n, i, got[k][i], want[k][i])
				}
			}
		}
	}
}

// dirtyScratch fills the tape's scratch and shared buffers with NaN, as
// if earlier ops had left their data there: an op that reads scratch it
// has not written then produces NaN.
func dirtyScratch(tp *Tape, n int) {
	nan := func() []float32 {
		b := make([]float32, n)
		for i := range b {
			b[i] = float32(math.NaN())
		}
		return b
	}
	for i := range tp.scr {
		tp.scr[i] = nan()
	}
	tp.shr = nan()
}

// Once the tape's buffers are warm, a Winograd convolution forward and
// backward on one worker allocates nothing but what its 48 products
// allocate inside gemm (the gemm package's business, as in nn's
// TestMLPStepAllocs): its matrices live in the tape's scratch.
func TestWinogradSteadyStateAllocates(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	const b, c, o, hw = 3, 16, 16, 14
	x := randTensor(r, b, c, hw, hw).SetRequiresGrad()
	w := randTensor(r, o, c, 3, 3).SetRequiresGrad()
	bias := randTensor(r, o).SetRequiresGrad()
	tp := NewTape()
	tp.SetWorkers(1)
	step := func() {
		tp.Reset()
		tp.Backward(tp.Sum(tp.conv2dAlgo(convWinograd, x, w, bias, nil, 1)))
	}
	step()
	n := testing.AllocsPerRun(20, step)
	// One group of all three images: nt tiles; 16 products each forward,
	// for the weight gradient and for the input gradient.
	nt := b * ((hw + 1) / 2) * ((hw + 1) / 2)
	buf := make([]float32, 1<<16)
	base := testing.AllocsPerRun(20, func() {
		for range 16 {
			gemm.SgemmThreads(1, true, false, o, nt, c, 1, buf, o, buf, nt, 0, buf, nt)
			gemm.SgemmThreads(1, false, true, c, o, nt, 1, buf, nt, buf, nt, 1, buf, o)
			gemm.SgemmThreads(1, true, false, c, nt, o, 1, buf, c, buf, nt, 0, buf, nt)
		}
	})
	if n > base {
		t.Errorf("steady-state Winograd convolution allocates %v times, its products alone %v", n, base)
	}
}
