package ag

// The one-dimensional steps of the Winograd tile transforms
// (winograd_tiles.go) in Go: combinations of four or two streams over all
// tiles at once, and per image row the column combinations, which split
// the row into its even and odd columns (or merge them). They are what the
// AVX-512 transforms (winograd_amd64.s) compute for rows up to 32 wide,
// with the same operations in the same order, so both give the same bits.

// winoVecRow reports whether the assembly row steps handle rows w wide.
func winoVecRow(vec bool, w int) bool { return vec && w >= 1 && w <= 32 }

// winoRowMasks returns the load/store masks of the two 16-lane halves of a
// row w wide and of its ⌈w/2⌉ tiles.
func winoRowMasks(w int) (lo, hi, tm int) {
	return int(laneMask16(w)), int(laneMask16(w - 16)), int(laneMask16((w + 1) / 2))
}

// laneMask16 has the low n of 16 bits set.
func laneMask16(n int) uint16 {
	switch {
	case n >= 16:
		return 0xffff
	case n <= 0:
		return 0
	}
	return uint16(1)<<n - 1
}

// winoBT4 is Bᵀ on four streams: (a0−a2, a1+a2, a2−a1, a1−a3).
func winoBT4(o0, o1, o2, o3, a0, a1, a2, a3 []float32) {
	n := len(o0)
	o1, o2, o3, a0, a1, a2, a3 = o1[:n], o2[:n], o3[:n], a0[:n], a1[:n], a2[:n], a3[:n]
	for j := range o0 {
		x0, x1, x2, x3 := a0[j], a1[j], a2[j], a3[j]
		o0[j] = x0 - x2
		o1[j] = x1 + x2
		o2[j] = x2 - x1
		o3[j] = x1 - x3
	}
}

// winoAT2 is Aᵀ on four streams: (a0+a1+a2, a1−a2−a3).
func winoAT2(o0, o1, a0, a1, a2, a3 []float32) {
	n := len(o0)
	o1, a0, a1, a2, a3 = o1[:n], a0[:n], a1[:n], a2[:n], a3[:n]
	for j := range o0 {
		x1, x2 := a1[j], a2[j]
		o0[j] = a0[j] + x1 + x2
		o1[j] = x1 - x2 - a3[j]
	}
}

// winoA4 is A on two streams: (a0, a0+a1, a0−a1, −a1).
func winoA4(o0, o1, o2, o3, a0, a1 []float32) {
	n := len(o0)
	o1, o2, o3, a0, a1 = o1[:n], o2[:n], o3[:n], a0[:n], a1[:n]
	for j := range o0 {
		p, q := a0[j], a1[j]
		o0[j] = p
		o1[j] = p + q
		o2[j] = p - q
		o3[j] = -q
	}
}

// winoB4 is B on four streams: (a0, a1−a2+a3, a1+a2−a0, −a3).
func winoB4(o0, o1, o2, o3, a0, a1, a2, a3 []float32) {
	n := len(o0)
	o1, o2, o3, a0, a1, a2, a3 = o1[:n], o2[:n], o3[:n], a0[:n], a1[:n], a2[:n], a3[:n]
	for j := range o0 {
		x0, x1, x2, x3 := a0[j], a1[j], a2[j], a3[j]
		o0[j] = x0
		o1[j] = x1 - x2 + x3
		o2[j] = x1 + x2 - x0
		o3[j] = -x3
	}
}

// winoInRow is d·B for the tiles of one input row x (padding 1 on the
// left, zeros past the end): with e[j] = x[2j−1] and o[j] = x[2j], tile j
// gives (e[j]−e[j+1], o[j]+e[j+1], e[j+1]−o[j], o[j]−o[j+1]).
func winoInRow(o0, o1, o2, o3, x []float32) {
	w, tw := len(x), len(o0)
	o1, o2, o3 = o1[:tw], o2[:tw], o3[:tw]
	at := func(c int) float32 {
		if c < 0 || c >= w {
			return 0
		}
		return x[c]
	}
	for j := range o0 {
		e0, od0, e1, od1 := at(2*j-1), at(2*j), at(2*j+1), at(2*j+2)
		o0[j] = e0 - e1
		o1[j] = od0 + e1
		o2[j] = e1 - od0
		o3[j] = od0 - od1
	}
}

// winoOutRow is ·A for the tiles of one output row y: y[2j] = a+b+c+bias
// and y[2j+1] = b−c−d+bias of tile j (the last dropped when len(y) is odd).
func winoOutRow(y, a, b, c, d []float32, bias float32) {
	w, tw := len(y), len(a)
	b, c, d = b[:tw], c[:tw], d[:tw]
	for j := range a {
		y[2*j] = a[j] + b[j] + c[j] + bias
		if 2*j+1 < w {
			y[2*j+1] = b[j] - c[j] - d[j] + bias
		}
	}
}

// winoGradOutRow is ·Aᵀ for the tiles of one row g of dY: with p = g[2j]
// and q = g[2j+1] (zero past the row), tile j gives (p, p+q, p−q, −q). It
// adds p then q to lane j of acc (tiles past 16 to lane j mod 16).
func winoGradOutRow(c0, c1, c2, c3, g []float32, acc *winoLanes) {
	w, tw := len(g), len(c0)
	c1, c2, c3 = c1[:tw], c2[:tw], c3[:tw]
	for j := range c0 {
		p := g[2*j]
		var q float32
		if 2*j+1 < w {
			q = g[2*j+1]
		}
		c0[j] = p
		c1[j] = p + q
		c2[j] = p - q
		c3[j] = -q
		acc[j%16] += p
		acc[j%16] += q
	}
}

// winoLanes are sixteen partial sums, one per vector lane.
type winoLanes [16]float32

// sum adds the lanes pairwise, as the assembly reduces a vector:
// j + j+8, then j + j+4, j + j+2 and j + j+1.
func (a *winoLanes) sum() float32 {
	for k := 8; k >= 1; k /= 2 {
		for j := 0; j < k; j++ {
			a[j] += a[j+k]
		}
	}
	return a[0]
}

// winoGradInRow adds Bᵀ's column combination of one row of tiles (a, b, c,
// d: the tiles' four columns before it) to the dx row x: tile j's columns
// 2j−1 … 2j+2 get (a, b−c+d, b+c−a, −d), overlapping tiles summed: column
// 2j gets tile j's second and tile j−1's fourth column, column 2j+1 tile
// j's third and tile j+1's first.
func winoGradInRow(x, a, b, c, d []float32) {
	w, tw := len(x), len(a)
	b, c, d = b[:tw], c[:tw], d[:tw]
	for j := range a {
		var dPrev, aNext float32
		if j > 0 {
			dPrev = d[j-1]
		}
		if j+1 < tw {
			aNext = a[j+1]
		}
		x[2*j] += b[j] - c[j] + d[j] - dPrev
		if 2*j+1 < w {
			x[2*j+1] += b[j] + c[j] - a[j] + aNext
		}
	}
}
