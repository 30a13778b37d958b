package ag

// Winograd F(2×2, 3×3) convolution (Lavin & Gray 2016) for the 3×3, pad-1
// convolutions. Per 4×4 input tile d (tiles two pixels apart, overlapping),
// the 2×2 output tile is
//
//	Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A
//
// (matrices in winograd_tiles.go). Summed over the input channels, the
// element-wise product becomes 16 independent matrix products, one per
// position ξ of the 4×4 transformed tile:
//
//	M[ξ] = U[ξ] · V[ξ],  U[ξ] = (G g Gᵀ)[ξ]  (O×C),  V[ξ] = (Bᵀ d B)[ξ]  (C×tiles),
//
// 2.25× fewer multiplications than the direct 3×3 product, and V is 4× the
// input where im2col's column matrix is 9×. The gradients go back through
// the same linear maps:
//
//	dM = A dY Aᵀ (per tile),
//	dV[ξ] = U[ξ]ᵀ · dM[ξ],  dX += B dV Bᵀ (per tile, overlapping tiles summed),
//	dU[ξ] = Σ_tiles dM[ξ] · V[ξ]ᵀ,  dg = Gᵀ dU G.
//
// V, M, dM and dV are stored as [ξ][channel][tile]: the tiles of an image
// plane are contiguous, so the transforms run along rows of tiles, and the
// forward and input-gradient products read their operands in the layout the
// GEMM packs by plain copies (or reads in place). The weight gradient
// contracts over tiles, so its product packs both operands transposed.
// Images are processed in groups, as the im2col path does, so that each
// product is wide enough for the kernel.

// convAlgo selects how a convolution runs.
type convAlgo int

const (
	convAuto     convAlgo = iota // winogradWins decides
	convIm2col                   // im2col + GEMM (conv.go)
	convWinograd                 // Winograd F(2×2, 3×3) (this file)
)

// winoGroupTiles is the number of tiles a group of images aims for: the
// width of the products (the forward's n, the weight gradient's depth).
const winoGroupTiles = 256

// winoMatStride is the distance in floats between consecutive ones of the
// 16 matrices [ch][ld] (V, M, dM or dV of a group): ch·ld rounded up to an
// odd multiple of 64, so that the 16 rows the transforms write at once
// start 256 bytes apart modulo 4 KB. With a plain ch·nt (a multiple of
// 4 KB on 7×7 maps in groups of 16) all 16 map to the same cache sets.
func winoMatStride(ch, ld int) int {
	s := (ch*ld + 63) / 64
	if s%2 == 0 {
		s++
	}
	return 64 * s
}

// winoLd is the row stride of the matrices [ch][nt]: nt, plus 16 when nt
// is a multiple of 64 (7×7 maps in groups of 16), so that the rows the GEMM
// reads in place do not all fall into the same few cache sets.
func winoLd(nt int) int {
	if nt%64 == 0 {
		return nt + 16
	}
	return nt
}

// winoShape is the tile geometry of a Winograd convolution. Its group (the
// images per product, convShape's span and groups) aims for
// winoGroupTiles tiles rather than im2col's convGroupCols columns.
type winoShape struct {
	convShape
	th, tw int // tile rows and columns of an image: ⌈H/2⌉, ⌈W/2⌉
	tiles  int // th·tw
}

func newWino(g *convShape) winoShape {
	ws := winoShape{convShape: *g, th: (g.h + 1) / 2, tw: (g.w + 1) / 2}
	ws.tiles = ws.th * ws.tw
	ws.group = max(1, min(g.b, (winoGroupTiles+ws.tiles/2)/ws.tiles))
	return ws
}

// winogradWins reports whether convolution g runs faster as Winograd than
// as im2col + GEMM on this tape, from BenchmarkConv's U-Net shapes at
// batch 64 on one thread: Winograd takes less CPU time forward and
// forward+backward on 7×7, 14×14 and 28×28 maps with 32 to 128 input
// channels (also with one output channel), more with one input channel
// (the products' depth is then 1). Maps smaller than 7 or wider than 32
// (where the Go row steps would run) were not measured and keep im2col.
//
// The bf16 mode keeps im2col: its products round their inputs to
// bfloat16, and the transformed operands (sums of up to four inputs) would
// carry that rounding through the transforms.
func (t *Tape) winogradWins(g *convShape) bool {
	return g.k == 3 && g.pad == 1 && t.precision == Float32 &&
		g.c >= 8 && min(g.h, g.w) >= 7 && g.w <= 32
}

// winoForward computes the convolution (plus bias and per-sample bias e,
// either may be nil) of x into out, groups of images spread over the
// tape's workers.
func (t *Tape) winoForward(g *convShape, x, w, bias, e, out []float32) {
	ws := newWino(g)
	su := winoMatStride(g.o, g.c)
	u := t.shared(16 * su)
	winoWeights(u, su, 1, g.o, w, g.o, g.c) // U[ξ] as [c][o]: op(A) = U[ξ] read transposed
	t.countModelOnly(winoSaved(g))
	ng := ws.groups()
	workers := min(t.workers, ng)
	ws.threads = t.innerThreads(workers)
	if workers <= 1 {
		for gi := 0; gi < ng; gi++ {
			winoForwardGroup(t, 0, &ws, gi, x, u, su, bias, e, out)
		}
		return
	}
	winoForwardParallel(t, workers, ng, ws, x, u, su, bias, e, out)
}

// winoForwardParallel spreads the groups over the workers. It is apart
// from winoForward so that only this path pays for the closure (ws is
// copied into it).
func winoForwardParallel(t *Tape, workers, ng int, ws winoShape, x, u []float32, su int, bias, e, out []float32) {
	parallelFor(workers, ng, func(wk, lo, hi int) {
		for gi := lo; gi < hi; gi++ {
			winoForwardGroup(t, wk, &ws, gi, x, u, su, bias, e, out)
		}
	})
}

func winoForwardGroup(t *Tape, wk int, ws *winoShape, gi int, x, u []float32, su int, bias, e, out []float32) {
	b0, n := ws.span(gi)
	c, o, hw, tiles := ws.c, ws.o, ws.h*ws.w, ws.tiles
	nt, ld := n*tiles, winoLd(n*tiles)
	sc, so := winoMatStride(c, ld), winoMatStride(o, ld)
	v := t.scratch(wk, 0, 16*sc) // V[ξ] as [c][t], rows ld apart
	m := t.scratch(wk, 1, 16*so) // M[ξ] as [o][t]
	buf := t.scratch(wk, 2, winoBufLen(ws.h, ws.w))
	winoInputGroup(v, x, ws, b0, n, buf)
	for xi := 0; xi < 16; xi++ {
		// M[ξ] (O×T) = U[ξ] (O×C) · V[ξ] (C×T)
		t.sgemm(ws.threads, true, false, o, nt, c, 1, u[xi*su:], o, v[xi*sc:], ld, 0, m[xi*so:], ld)
	}
	for j := 0; j < n; j++ {
		img := out[(b0+j)*o*hw:]
		for oi := 0; oi < o; oi++ {
			var bv float32
			if bias != nil {
				bv = bias[oi]
			}
			if e != nil {
				bv += e[(b0+j)*o+oi]
			}
			winoOutput(useAVX512, img[oi*hw:(oi+1)*hw], m[oi*ld+j*tiles:], so, ws.h, ws.w, bv, buf)
		}
	}
}

// winoSaved is how many flops fewer one Winograd product pass (the
// forward, the input gradient or the weight gradient) runs than the direct
// convolution, 2·o·c·9·b·h·w against 16 products of 2·o·c·b·tiles: ModelFlops
// counts the direct figure.
func winoSaved(g *convShape) int64 {
	tiles := int64((g.ho + 1) / 2 * ((g.wo + 1) / 2))
	return 2 * int64(g.o) * int64(g.c) * int64(g.b) * (9*int64(g.hw) - 16*tiles)
}

// winoBack is convBack for a convolution that ran as Winograd.
func winoBack(t *Tape, nd *node) {
	x, w, bias := nd.a, nd.b, nd.c
	g := t.convGeom(x, w, nd.i[0])
	ws := newWino(&g)
	dy := nd.out.Grad
	ng := ws.groups()
	needW, needB, de, dx, owX := convGradsWanted(nd)
	if x.RequiresGrad {
		t.countModelOnly(winoSaved(&g))
	}
	if needW {
		t.countModelOnly(winoSaved(&g))
	}
	// dU and db are sums over the batch, cut into a fixed number of parts
	// summed in order, as in convBack: the same bits for any worker count.
	parts := min(ng, fixedParts)
	workers := min(t.workers, parts)
	ws.threads = t.innerThreads(workers)
	su := winoMatStride(g.o, g.c) // U[ξ] and dU[ξ] are su apart
	usz := 16 * su
	psz := usz + g.o
	var sh, u, partial []float32
	switch {
	case needW || needB:
		sh = t.shared(usz + parts*psz)
		partial = sh[usz:]
	default:
		sh = t.shared(usz)
	}
	if dx != nil {
		u = sh[:usz]
		winoWeights(u, su, g.c, 1, w.Data, g.o, g.c) // U[ξ] as [o][c]: op(A) = U[ξ]ᵀ read transposed
	}
	bp := winoBackParts{ws: ws, parts: parts, psz: psz, usz: usz, su: su, x: x.Data, u: u, dy: dy, dx: dx,
		owX: owX, partial: partial, de: de, needW: needW, needB: needB}
	if workers <= 1 {
		bp.run(t, 0, 0, parts)
	} else {
		bp.parallel(t, workers)
	}
	if partial == nil {
		return
	}
	total := sumParts(partial, parts, psz)
	if needW {
		winoWeightGrad(grad(w), total[:usz], su, 1, g.o, g.o, g.c) // dU[ξ] as [c][o]
	}
	if needB {
		addTo(grad(bias), total[usz:])
	}
}

// winoBackParts is what the workers of winoBack share.
type winoBackParts struct {
	ws                  winoShape
	parts, psz, usz, su int
	x, u, dy, dx        []float32
	owX                 bool
	partial, de         []float32
	needW, needB        bool
}

// parallel runs the parts on the workers. It is apart from winoBack, with
// bp copied, so that only this path pays for the closure.
func (bp winoBackParts) parallel(t *Tape, workers int) {
	parallelFor(workers, bp.parts, func(wk, lo, hi int) { bp.run(t, wk, lo, hi) })
}

// run computes parts lo..hi-1 of the batch: part p sums its groups in
// order into its own partial dU and db.
func (bp *winoBackParts) run(t *Tape, wk, lo, hi int) {
	ng := bp.ws.groups()
	for p := lo; p < hi; p++ {
		var du, db []float32
		g0, g1 := partSpan(p, bp.parts, ng)
		if bp.partial != nil {
			acc := bp.partial[p*bp.psz : (p+1)*bp.psz]
			du, db = acc[:bp.usz], acc[bp.usz:]
			clear(db)
			if !bp.needW {
				clear(du) // summed by winoBack, though unused
			}
		}
		for gi := g0; gi < g1; gi++ {
			// The part's first group stores its dU, the others add.
			winoBackGroup(t, wk, &bp.ws, gi, bp.x, bp.u, bp.su, bp.dy, bp.dx, bp.owX, du, db, bp.de, bp.needW, bp.needB, gi == g0)
		}
	}
}

func winoBackGroup(t *Tape, wk int, ws *winoShape, gi int, x, u []float32, su int, dy, dx []float32, owX bool, du, db, de []float32, needW, needB, first bool) {
	b0, n := ws.span(gi)
	c, o, hw, tiles := ws.c, ws.o, ws.h*ws.w, ws.tiles
	nt, ld := n*tiles, winoLd(n*tiles)
	if !needW && dx == nil {
		if needB || de != nil {
			convBiasGrads(dy, b0, n, o, hw, db, de, needB)
		}
		return
	}
	buf := t.scratch(wk, 4, winoBufLen(ws.h, ws.w))
	sc, so := winoMatStride(c, ld), winoMatStride(o, ld)
	dm := t.scratch(wk, 1, 16*so) // dM[ξ] as [o][t]
	winoGradOutPads(buf, ws.h, ws.w)
	for j := 0; j < n; j++ {
		img := dy[(b0+j)*o*hw:]
		for oi := 0; oi < o; oi++ {
			// The plane's sum of dY is its share of db and de.
			s := winoGradOut(useAVX512, dm[oi*ld+j*tiles:], so, img[oi*hw:(oi+1)*hw], ws.h, ws.w, buf)
			if needB {
				db[oi] += s
			}
			if de != nil {
				de[(b0+j)*o+oi] += s
			}
		}
	}
	if needW {
		v := t.scratch(wk, 0, 16*sc) // V[ξ] as [c][t]
		winoInputGroup(v, x, ws, b0, n, buf)
		for xi := 0; xi < 16; xi++ {
			// dU[ξ]ᵀ (C×O) += V[ξ] (C×T) · dM[ξ]ᵀ (T×O)
			t.sgemm(ws.threads, false, true, c, o, nt, 1, v[xi*sc:], ld, dm[xi*so:], ld, beta(first), du[xi*su:], o)
		}
	}
	if dx == nil {
		return
	}
	dv := t.scratch(wk, 2, 16*sc) // dV[ξ] as [c][t]
	for xi := 0; xi < 16; xi++ {
		// dV[ξ] (C×T) = U[ξ]ᵀ (C×O) · dM[ξ] (O×T)
		t.sgemm(ws.threads, true, false, c, nt, o, 1, u[xi*su:], c, dm[xi*so:], ld, 0, dv[xi*sc:], ld)
	}
	for j := 0; j < n; j++ {
		img := dx[(b0+j)*c*hw : (b0+j+1)*c*hw]
		for ci := 0; ci < c; ci++ {
			winoGradIn(useAVX512, img[ci*hw:(ci+1)*hw], dv[ci*ld+j*tiles:], sc, ws.h, ws.w, owX, buf)
		}
	}
}

// winoInputGroup writes V[ξ] as [c][t] (rows winoLd apart) for images
// b0..b0+n-1 of x.
func winoInputGroup(v, x []float32, ws *winoShape, b0, n int, buf []float32) {
	c, hw, ld := ws.c, ws.h*ws.w, winoLd(n*ws.tiles)
	sc := winoMatStride(c, ld)
	winoInputPads(buf, ws.h, ws.w)
	for j := 0; j < n; j++ {
		img := x[(b0+j)*c*hw:]
		for ci := 0; ci < c; ci++ {
			winoInput(useAVX512, v[ci*ld+j*ws.tiles:], sc, img[ci*hw:(ci+1)*hw], ws.h, ws.w, buf)
		}
	}
}
