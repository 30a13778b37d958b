package ag

import (
	"fmt"
)

// convGroupCols is the number of GEMM columns a convolution aims for: images
// smaller than this are processed several at a time, so the products on
// 14×14 and 7×7 maps are wide enough to run the GEMM kernel efficiently.
const convGroupCols = 512

// Conv2d returns the stride-1 convolution (PyTorch's cross-correlation) of
// x [B,C,H,W] with w [O,C,k,k] and bias [O] (nil for none), zero padding
// pad on every side: the output is [B, O, H+2·pad−k+1, W+2·pad−k+1].
//
// It runs as im2col + Sgemm on groups of images, the groups spread over the
// tape's workers, or for 3×3 kernels with padding 1 as a Winograd
// F(2×2, 3×3) convolution (winograd.go) where that is faster.
func (t *Tape) Conv2d(x, w, bias *Tensor, pad int) *Tensor {
	return t.Conv2dAdd(x, w, bias, nil, pad)
}

// Conv2dAdd is Conv2d plus a per-sample, per-channel bias e [B, O] (nil
// for none) broadcast over the image: the ResBlock's embedding add fused
// into the convolution's bias pass.
func (t *Tape) Conv2dAdd(x, w, bias, e *Tensor, pad int) *Tensor {
	return t.conv2dAlgo(convAuto, x, w, bias, e, pad)
}

// conv2dAlgo is Conv2dAdd with the algorithm as a parameter (convAuto:
// winogradWins decides), so tests and benchmarks can run both.
func (t *Tape) conv2dAlgo(algo convAlgo, x, w, bias, e *Tensor, pad int) *Tensor {
	if len(x.Shape) != 4 || len(w.Shape) != 4 || w.Shape[1] != x.Shape[1] || w.Shape[2] != w.Shape[3] {
		panic(fmt.Sprintf("ag.Conv2d: input %v and weight %v do not fit", x.Shape, w.Shape))
	}
	g := t.convGeom(x, w, pad)
	if g.ho < 1 || g.wo < 1 {
		panic(fmt.Sprintf("ag.Conv2d: %v with %d×%d kernel and pad %d leaves no output", x.Shape, g.k, g.k, pad))
	}
	if bias != nil && bias.Numel() != g.o {
		panic(fmt.Sprintf("ag.Conv2d: bias %v for %d output channels", bias.Shape, g.o))
	}
	out := t.alloc(g.b, g.o, g.ho, g.wo)
	if e != nil && e.Numel() != g.b*g.o {
		panic(fmt.Sprintf("ag.Conv2dAdd: per-sample bias %v for batch %d and %d channels", e.Shape, g.b, g.o))
	}
	var bd, ed []float32
	if bias != nil {
		bd = bias.Data
	}
	if e != nil {
		ed = e.Data
	}
	if algo == convAuto && t.winogradWins(&g) || algo == convWinograd && g.k == 3 && g.pad == 1 {
		algo = convWinograd
		t.winoForward(&g, x.Data, w.Data, bd, ed, out.Data)
	} else {
		algo = convIm2col
		t.im2colForward(&g, x.Data, w.Data, bd, ed, out.Data)
	}
	if t.needs(x, w, bias, e) {
		nd := t.push(convBack, out, x, w, bias)
		nd.d = e
		nd.i[0] = pad
		nd.i[1] = int(algo)
	}
	return out
}

// im2colForward computes the convolution as im2col + GEMM on groups of
// images spread over the tape's workers.
func (t *Tape) im2colForward(g *convShape, x, w, bd, ed, out []float32) {
	ng := g.groups()
	workers := min(t.workers, ng)
	g.threads = t.innerThreads(workers)
	if workers <= 1 {
		for gi := 0; gi < ng; gi++ {
			convForwardGroup(t, 0, g, gi, x, w, bd, ed, out)
		}
		return
	}
	im2colForwardParallel(t, workers, ng, *g, x, w, bd, ed, out)
}

// im2colForwardParallel spreads the groups over the workers, with g copied
// into the closure so that the one-worker path allocates nothing.
func im2colForwardParallel(t *Tape, workers, ng int, g convShape, x, w, bd, ed, out []float32) {
	parallelFor(workers, ng, func(wk, lo, hi int) {
		for gi := lo; gi < hi; gi++ {
			convForwardGroup(t, wk, &g, gi, x, w, bd, ed, out)
		}
	})
}

// convShape is a convolution's geometry.
type convShape struct {
	b, c, h, w, o, k, pad, ho, wo int
	kk                            int  // c·k·k, the GEMM depth
	hw                            int  // ho·wo
	group                         int  // images per GEMM
	budget                        int  // column block size, see defaultColBudget
	direct                        bool // 1×1 without padding: the image itself is the column matrix
	threads                       int  // goroutines each GEMM may use
}

func (t *Tape) convGeom(x, w *Tensor, pad int) convShape {
	g := convShape{b: x.Shape[0], c: x.Shape[1], h: x.Shape[2], w: x.Shape[3], o: w.Shape[0], k: w.Shape[2], pad: pad}
	g.budget = t.colBudget
	if g.budget <= 0 {
		g.budget = defaultColBudget
	}
	g.ho, g.wo = g.h+2*pad-g.k+1, g.w+2*pad-g.k+1
	g.kk, g.hw = g.c*g.k*g.k, g.ho*g.wo
	g.group = max(1, min(g.b, (convGroupCols+g.hw/2)/max(g.hw, 1)))
	g.direct = g.k == 1 && pad == 0
	return g
}

// groups is the number of image groups.
func (g *convShape) groups() int { return (g.b + g.group - 1) / g.group }

// span returns the first image and the image count of group gi.
func (g *convShape) span(gi int) (int, int) {
	b0 := gi * g.group
	return b0, min(g.group, g.b-b0)
}

// defaultColBudget bounds a column block (in float32s, 1 MB: the per-core
// L2 of the development machine); larger column matrices are built and
// multiplied a channel block at a time. Measured on the U-Net, 384 KB,
// 1 MB and unbounded blocks cost the same CPU time within noise; smaller
// blocks mean more, shallower GEMM calls, so the bound is mainly on the
// scratch memory (the 96-channel 28×28 convolutions would need 2.7 MB).
const defaultColBudget = 256 << 10

// chanBlock is the number of input channels per column block.
func (g *convShape) chanBlock(ld int) int {
	return max(1, min(g.c, g.budget/max(1, g.k*g.k*ld)))
}

// cols returns the column matrix [(c1−c0)·k·k, n·hw] of channels c0..c1-1
// of images b0..b0+n-1, built in scratch slot 0 (or a view of the image
// itself for a single-image 1×1 convolution).
func (g *convShape) cols(t *Tape, wk int, x []float32, b0, n, c0, c1 int) []float32 {
	img := g.c * g.h * g.w
	if g.direct && n == 1 {
		return x[b0*img+c0*g.hw : b0*img+c1*g.hw]
	}
	ld := n * g.hw
	col := t.scratch(wk, 0, (c1-c0)*g.k*g.k*ld)
	for j := 0; j < n; j++ {
		im2col(col[j*g.hw:], ld, x[(b0+j)*img:(b0+j+1)*img], g, c0, c1)
	}
	return col
}

func convForwardGroup(t *Tape, wk int, g *convShape, gi int, x, w, bias, e, out []float32) {
	b0, n := g.span(gi)
	ld := n * g.hw
	osz := g.o * g.hw
	dst := out[b0*osz : (b0+1)*osz]
	if n > 1 {
		dst = t.scratch(wk, 1, g.o*ld)
	}
	kk := g.k * g.k
	cb := g.chanBlock(ld)
	for c0 := 0; c0 < g.c; c0 += cb {
		c1 := min(g.c, c0+cb)
		col := g.cols(t, wk, x, b0, n, c0, c1)
		var bt float32
		if c0 > 0 {
			bt = 1
		}
		t.sgemm(g.threads, false, false, g.o, ld, (c1-c0)*kk, 1, w[c0*kk:], g.kk, col, ld, bt, dst, ld)
	}
	for j := 0; j < n; j++ {
		img := out[(b0+j)*osz : (b0+j+1)*osz]
		for o := 0; o < g.o; o++ {
			row := img[o*g.hw : (o+1)*g.hw]
			var bv float32
			if bias != nil {
				bv = bias[o]
			}
			if e != nil {
				bv += e[(b0+j)*g.o+o]
			}
			switch {
			case n > 1: // scatter the group's product, adding the bias on the way
				src := dst[o*ld+j*g.hw : o*ld+(j+1)*g.hw]
				for i := range row {
					row[i] = src[i] + bv
				}
			case bias != nil || e != nil:
				for i := range row {
					row[i] += bv
				}
			}
		}
	}
}

// convGradsWanted is what a convolution node's backward must produce:
// whether the weight and bias gradients are needed, the per-sample bias
// gradient de and the input gradient dx (nil when not wanted; owX when dx
// is fresh and may be overwritten rather than added to).
func convGradsWanted(nd *node) (needW, needB bool, de, dx []float32, owX bool) {
	x, w, bias := nd.a, nd.b, nd.c
	needW = w.RequiresGrad
	needB = bias != nil && bias.RequiresGrad
	if nd.d != nil && nd.d.RequiresGrad {
		de = grad(nd.d)
	}
	if x.RequiresGrad {
		dx, owX = gradW(x)
	}
	return needW, needB, de, dx, owX
}

// sumParts adds the parts partials of size psz laid end to end into the
// first, in part order (the fixed order that makes a batch sum the same
// bits for any worker count), and returns it.
func sumParts(partial []float32, parts, psz int) []float32 {
	total := partial[:psz]
	for p := 1; p < parts; p++ {
		addTo(total, partial[p*psz:(p+1)*psz])
	}
	return total
}

func convBack(t *Tape, nd *node) {
	if convAlgo(nd.i[1]) == convWinograd {
		winoBack(t, nd)
		return
	}
	x, w, bias := nd.a, nd.b, nd.c
	g := t.convGeom(x, w, nd.i[0])
	dy := nd.out.Grad
	ng := g.groups()
	needW, needB, de, dx, owX := convGradsWanted(nd)
	// dW and db are sums over the batch. The groups are cut into a fixed
	// number of parts (not one per worker), each part sums its groups in
	// order into its own partial dWᵀ [kk, O] and db, and the partials are
	// added in part order at the end: the same additions in the same order
	// for every worker count.
	parts := min(ng, fixedParts)
	g.threads = t.innerThreads(min(t.workers, parts))
	psz := g.o*g.kk + g.o
	var partial []float32
	if needW || needB {
		partial = t.shared(parts * psz)
	}
	// For k > 1 the input gradient is itself a convolution: of dY with the
	// kernel flipped and its in/out channels swapped, padding k−1−pad.
	// That avoids materialising the [C·k·k, H·W] column gradient and the
	// scatter-add back into the image.
	var wf []float32
	var gt convShape
	if dx != nil && !g.direct {
		wf = t.scratch(0, 4, g.o*g.kk)
		k := g.k
		for o := 0; o < g.o; o++ {
			for c := 0; c < g.c; c++ {
				for ky := 0; ky < k; ky++ {
					for kx := 0; kx < k; kx++ {
						wf[((c*g.o+o)*k+ky)*k+kx] = w.Data[((o*g.c+c)*k+(k-1-ky))*k+(k-1-kx)]
					}
				}
			}
		}
		gt = convShape{b: g.b, c: g.o, h: g.ho, w: g.wo, o: g.c, k: k, pad: k - 1 - g.pad, ho: g.h, wo: g.w}
		gt.kk, gt.hw, gt.group, gt.budget, gt.threads = g.o*k*k, g.h*g.w, g.group, g.budget, g.threads
	}
	run := func(wk, lo, hi int) {
		for p := lo; p < hi; p++ {
			var dw, db []float32
			if partial != nil {
				acc := partial[p*psz : (p+1)*psz]
				clear(acc)
				dw, db = acc[:g.o*g.kk], acc[g.o*g.kk:]
			}
			g0, g1 := partSpan(p, parts, ng)
			for gi := g0; gi < g1; gi++ {
				convBackGroup(t, wk, &g, gi, x.Data, w.Data, dy, dx, owX, dw, db, de, needW, needB)
				if wf != nil {
					convInputGrad(t, wk, &gt, gi, dy, wf, dx, owX)
				}
			}
		}
	}
	parallelFor(min(t.workers, parts), parts, run)
	if partial == nil {
		return
	}
	// Transpose the dWᵀ [kk, O] the summed partials hold into the gradient.
	total := sumParts(partial, parts, psz)
	if needW {
		gw := grad(w)
		for r := 0; r < g.kk; r++ {
			row := total[r*g.o : (r+1)*g.o]
			for o, v := range row {
				gw[o*g.kk+r] += v
			}
		}
	}
	if needB {
		addTo(grad(bias), total[g.o*g.kk:])
	}
}

func convBackGroup(t *Tape, wk int, g *convShape, gi int, x, w, dy, dx []float32, owX bool, dw, db, de []float32, needW, needB bool) {
	b0, n := g.span(gi)
	ld := n * g.hw
	osz := g.o * g.hw
	// dOut of the group as one [O, n·hw] matrix.
	dyg := dy[b0*osz : (b0+1)*osz]
	if n > 1 {
		dyg = t.scratch(wk, 1, g.o*ld)
		for j := 0; j < n; j++ {
			img := dy[(b0+j)*osz : (b0+j+1)*osz]
			for o := 0; o < g.o; o++ {
				copy(dyg[o*ld+j*g.hw:o*ld+(j+1)*g.hw], img[o*g.hw:(o+1)*g.hw])
			}
		}
	}
	if needB || de != nil {
		convBiasGrads(dy, b0, n, g.o, g.hw, db, de, needB)
	}
	if needW {
		kk := g.k * g.k
		cb := g.chanBlock(ld)
		for c0 := 0; c0 < g.c; c0 += cb {
			c1 := min(g.c, c0+cb)
			col := g.cols(t, wk, x, b0, n, c0, c1)
			// dWᵀ = col·dYᵀ: the long pixel dimension is the depth and the
			// column matrix needs no transposed packing, which the GEMM runs
			// faster than dY·colᵀ.
			t.sgemm(g.threads, false, true, (c1-c0)*kk, g.o, ld, 1, col, ld, dyg, ld, 1, dw[c0*kk*g.o:], g.o)
		}
	}
	if dx == nil || !g.direct {
		return
	}
	img := g.c * g.h * g.w
	if n == 1 {
		t.sgemm(g.threads, true, false, g.kk, ld, g.o, 1, w, g.kk, dyg, ld, beta(owX), dx[b0*img:(b0+1)*img], ld)
		return
	}
	dcol := t.scratch(wk, 2, g.kk*ld)
	t.sgemm(g.threads, true, false, g.kk, ld, g.o, 1, w, g.kk, dyg, ld, 0, dcol, ld)
	for j := 0; j < n; j++ {
		dxi := dx[(b0+j)*img : (b0+j+1)*img]
		if owX {
			clear(dxi)
		}
		col2im(dxi, dcol[j*g.hw:], ld, g)
	}
}

// convBiasGrads adds the gradients of the bias (db, when needB) and of the
// per-sample bias (de, when not nil) of images b0..b0+n-1 from the output
// gradient dy [B, O, hw]: per-image channel sums serve both.
func convBiasGrads(dy []float32, b0, n, o, hw int, db, de []float32, needB bool) {
	osz := o * hw
	for j := 0; j < n; j++ {
		img := dy[(b0+j)*osz : (b0+j+1)*osz]
		for oc := 0; oc < o; oc++ {
			s := float32(sumLanes(useAVX512, img[oc*hw:(oc+1)*hw]))
			if needB {
				db[oc] += s
			}
			if de != nil {
				de[(b0+j)*o+oc] += s
			}
		}
	}
}

// convInputGrad computes the input gradient of group gi as the convolution
// gt of dY with the flipped kernel wf, writing or adding into dx.
func convInputGrad(t *Tape, wk int, gt *convShape, gi int, dy, wf, dx []float32, ow bool) {
	b0, n := gt.span(gi)
	ld := n * gt.hw
	isz := gt.o * gt.hw // one input image
	// A single image's product lands in dx; a group's in scratch, then
	// scattered to the images.
	prod, bt := dx[b0*isz:(b0+1)*isz], beta(ow)
	if n > 1 {
		prod, bt = t.scratch(wk, 1, gt.o*ld), 0
	}
	kk := gt.k * gt.k
	cb := gt.chanBlock(ld)
	for c0 := 0; c0 < gt.c; c0 += cb {
		c1 := min(gt.c, c0+cb)
		col := gt.cols(t, wk, dy, b0, n, c0, c1)
		if c0 > 0 {
			bt = 1
		}
		t.sgemm(gt.threads, false, false, gt.o, ld, (c1-c0)*kk, 1, wf[c0*kk:], gt.kk, col, ld, bt, prod, ld)
	}
	if n == 1 {
		return
	}
	for j := 0; j < n; j++ {
		img := dx[(b0+j)*isz : (b0+j+1)*isz]
		for c := 0; c < gt.o; c++ {
			src := prod[c*ld+j*gt.hw : c*ld+(j+1)*gt.hw]
			copyOrAdd(img[c*gt.hw:(c+1)*gt.hw], src, ow)
		}
	}
}
