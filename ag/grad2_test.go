package ag

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func refConv(x, w, b []float64, bs, c, h, wd, o, k, pad int) []float64 {
	ho, wo := h+2*pad-k+1, wd+2*pad-k+1
	out := make([]float64, bs*o*ho*wo)
	for n := 0; n < bs; n++ {
		for oc := 0; oc < o; oc++ {
			for y := 0; y < ho; y++ {
				for xx := 0; xx < wo; xx++ {
					s := b[oc]
					for ic := 0; ic < c; ic++ {
						for ky := 0; ky < k; ky++ {
							for kx := 0; kx < k; kx++ {
								iy, ix := y+ky-pad, xx+kx-pad
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								s += w[((oc*c+ic)*k+ky)*k+kx] * x[((n*c+ic)*h+iy)*wd+ix]
							}
						}
					}
					out[((n*o+oc)*ho+y)*wo+xx] = s
				}
			}
		}
	}
	return out
}

func refGroupNorm(x, gm, bt []float64, bs, c, hw, groups int, silu bool) []float64 {
	out := make([]float64, len(x))
	cg := c / groups
	n := cg * hw
	for b := 0; b < bs; b++ {
		for g := 0; g < groups; g++ {
			off := (b*c + g*cg) * hw
			var m, v float64
			for _, e := range x[off : off+n] {
				m += e
			}
			m /= float64(n)
			for _, e := range x[off : off+n] {
				v += (e - m) * (e - m)
			}
			v /= float64(n)
			for i := 0; i < n; i++ {
				ch := g*cg + i/hw
				y := (x[off+i]-m)/math.Sqrt(v+1e-5)*gm[ch] + bt[ch]
				if silu {
					y = y / (1 + math.Exp(-y))
				}
				out[off+i] = y
			}
		}
	}
	return out
}

func refAttention(qkv []float64, bs, c, n int) []float64 {
	out := make([]float64, bs*c*n)
	for b := 0; b < bs; b++ {
		q, k, v := qkv[b*3*c*n:], qkv[(b*3+1)*c*n:], qkv[(b*3+2)*c*n:]
		for i := 0; i < n; i++ {
			s := make([]float64, n)
			mx := math.Inf(-1)
			for j := 0; j < n; j++ {
				for cc := 0; cc < c; cc++ {
					s[j] += q[cc*n+i] * k[cc*n+j]
				}
				s[j] /= math.Sqrt(float64(c))
				mx = math.Max(mx, s[j])
			}
			var z float64
			for j := range s {
				s[j] = math.Exp(s[j] - mx)
				z += s[j]
			}
			for cc := 0; cc < c; cc++ {
				var o float64
				for j := 0; j < n; j++ {
					o += s[j] / z * v[cc*n+j]
				}
				out[(b*c+cc)*n+i] = o
			}
		}
	}
	return out
}

func TestConvGrads(t *testing.T) {
	type cc struct{ bs, c, h, w, o, k, pad, budget int }
	for _, s := range []cc{
		{2, 3, 5, 4, 4, 3, 1, 0},      // several images per GEMM
		{7, 2, 10, 10, 3, 3, 1, 0},    // groups of 5 and 2 on two workers
		{2, 1, 19, 19, 2, 3, 1, 0},    // one image per GEMM
		{3, 4, 3, 5, 2, 1, 0, 0},      // 1×1, batched
		{2, 3, 19, 19, 2, 1, 0, 0},    // 1×1, direct
		{2, 2, 6, 5, 3, 3, 0, 0},      // valid convolution
		{2, 5, 12, 12, 3, 3, 1, 3000}, // channel blocks of 2, 2, 1
		{2, 4, 19, 19, 3, 1, 0, 700},  // 1×1 direct in channel blocks
		{3, 5, 4, 4, 2, 3, 0, 200},    // valid, groups and channel blocks
	} {
		cases := []opCase{{
			name:   fmt.Sprintf("Conv2d%+v", s),
			shapes: [][]int{{s.bs, s.c, s.h, s.w}, {s.o, s.c, s.k, s.k}, {s.o}},
			build:  func(tp *Tape, in []*Tensor) *Tensor { return tp.Conv2d(in[0], in[1], in[2], s.pad) },
			ref: func(in [][]float64) []float64 {
				return refConv(in[0], in[1], in[2], s.bs, s.c, s.h, s.w, s.o, s.k, s.pad)
			},
			tolF: 1e-5, tolG: 1e-4,
		}}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) { runOpCase(t, c) })
		}
	}
	for _, s := range []cc{{2, 3, 5, 4, 4, 3, 1, 0}, {2, 1, 19, 19, 2, 3, 1, 0}} {
		c := opCase{
			name:   fmt.Sprintf("Conv2dAdd%+v", s),
			shapes: [][]int{{s.bs, s.c, s.h, s.w}, {s.o, s.c, s.k, s.k}, {s.o}, {s.bs, s.o}},
			build:  func(tp *Tape, in []*Tensor) *Tensor { return tp.Conv2dAdd(in[0], in[1], in[2], in[3], s.pad) },
			ref: func(in [][]float64) []float64 {
				out := refConv(in[0], in[1], in[2], s.bs, s.c, s.h, s.w, s.o, s.k, s.pad)
				hw := len(out) / (s.bs * s.o)
				for i := range out {
					out[i] += in[3][i/hw]
				}
				return out
			},
			tolF: 1e-5, tolG: 1e-4,
		}
		t.Run(c.name, func(t *testing.T) { runOpCase(t, c) })
	}
}

func TestNormPoolConcatAttentionGrads(t *testing.T) {
	var cases []opCase
	// 3×4 maps are shorter than a vector (all tail); 5×5 have a whole
	// vector and a tail per channel. On an intermediate (x·1) the input
	// gradient is written over the output gradient's buffer.
	for _, v := range []struct {
		hw    [2]int
		inter bool
	}{{[2]int{3, 4}, false}, {[2]int{5, 5}, false}, {[2]int{5, 5}, true}} {
		hw := v.hw
		for _, silu := range []bool{false, true} {
			name := fmt.Sprintf("GroupNorm %d×%d", hw[0], hw[1])
			if silu {
				name = fmt.Sprintf("GroupNormSiLU %d×%d", hw[0], hw[1])
			}
			if v.inter {
				name += " of an intermediate"
			}
			cases = append(cases, opCase{
				name: name, shapes: [][]int{{3, 6, hw[0], hw[1]}, {6}, {6}},
				init: func(i int, r *rand.Rand) float64 {
					if i == 0 {
						return 2*r.NormFloat64() + 1
					}
					return r.NormFloat64()
				},
				build: func(tp *Tape, in []*Tensor) *Tensor {
					x := in[0]
					if v.inter {
						x = tp.Scale(x, 1)
					}
					if silu {
						return tp.GroupNormSiLU(x, 2, in[1], in[2], 1e-5)
					}
					return tp.GroupNorm(x, 2, in[1], in[2], 1e-5)
				},
				ref:  func(in [][]float64) []float64 { return refGroupNorm(in[0], in[1], in[2], 3, 6, hw[0]*hw[1], 2, silu) },
				tolF: 1e-5, tolG: 1e-4,
			})
		}
	}
	cases = append(cases,
		opCase{
			name: "AvgPool2", shapes: [][]int{{2, 3, 4, 6}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.AvgPool2(in[0]) },
			ref: func(in [][]float64) []float64 {
				var out []float64
				for p := 0; p < 6; p++ {
					for i := 0; i < 2; i++ {
						for j := 0; j < 3; j++ {
							at := func(y, x int) float64 { return in[0][p*24+y*6+x] }
							out = append(out, (at(2*i, 2*j)+at(2*i, 2*j+1)+at(2*i+1, 2*j)+at(2*i+1, 2*j+1))/4)
						}
					}
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "Upsample2", shapes: [][]int{{2, 2, 3, 2}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.Upsample2(in[0]) },
			ref: func(in [][]float64) []float64 {
				var out []float64
				for p := 0; p < 4; p++ {
					for i := 0; i < 6; i++ {
						for j := 0; j < 4; j++ {
							out = append(out, in[0][p*6+(i/2)*2+j/2])
						}
					}
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "Concat", shapes: [][]int{{2, 3, 2, 2}, {2, 1, 2, 2}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.Concat(in[0], in[1]) },
			ref: func(in [][]float64) []float64 {
				var out []float64
				for b := 0; b < 2; b++ {
					out = append(out, in[0][b*12:(b+1)*12]...)
					out = append(out, in[1][b*4:(b+1)*4]...)
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "UpsampleConcat", shapes: [][]int{{2, 2, 2, 3}, {2, 1, 4, 6}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.UpsampleConcat(in[0], in[1]) },
			ref: func(in [][]float64) []float64 {
				var out []float64
				for b := 0; b < 2; b++ {
					for c := 0; c < 2; c++ {
						for i := 0; i < 4; i++ {
							for j := 0; j < 6; j++ {
								out = append(out, in[0][(b*2+c)*6+(i/2)*3+j/2])
							}
						}
					}
					out = append(out, in[1][b*24:(b+1)*24]...)
				}
				return out
			},
			tolF: 1e-6, tolG: 1e-5,
		},
		opCase{
			name: "Attention", shapes: [][]int{{3, 12, 2, 3}},
			build: func(tp *Tape, in []*Tensor) *Tensor { return tp.Attention(in[0]) },
			ref:   func(in [][]float64) []float64 { return refAttention(in[0], 3, 4, 6) },
			tolF:  1e-5, tolG: 1e-4,
		},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runOpCase(t, c) })
	}
}
