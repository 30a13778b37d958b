package ag

// Vector kernels with portable tails: each runs the AVX-512 assembly on
// the largest multiple of 16 elements when the CPU has it and finishes in
// Go. The pure-Go loops are the reference the assembly is tested against:
// each kernel takes the choice as a parameter (vec), fixed to useAVX512 by
// its callers, so that a test runs both paths without flipping a global.

func lanes16(acc *[32]float32) (float32, float32) {
	var s, q float32
	for i := 0; i < 16; i++ {
		s += acc[i]
		q += acc[16+i]
	}
	return s, q
}

// sumSq returns Σ(x−k) and Σ(x−k)².
func sumSq(x []float32, k float32) (s, q float32) { return sumSqWith(useAVX512, x, k) }

func sumSqWith(vec bool, x []float32, k float32) (s, q float32) {
	i := 0
	if vec && len(x) >= 16 {
		var acc [32]float32
		i = len(x) &^ 15
		sumSqAVX512(&x[0], i, k, &acc)
		s, q = lanes16(&acc)
	}
	for _, v := range x[i:] {
		d := v - k
		s += d
		q += d * d
	}
	return s, q
}

// affineSiLU writes dst = y·σ(y) with y = a·src + b, and sg = σ(y) when
// sg is not nil.
func affineSiLU(dst, sg, src []float32, a, b float32) { affineSiLUWith(useAVX512, dst, sg, src, a, b) }

func affineSiLUWith(vec bool, dst, sg, src []float32, a, b float32) {
	dst = dst[:len(src)]
	if sg != nil {
		sg = sg[:len(src)]
	}
	i := 0
	if vec && len(src) >= 16 {
		i = len(src) &^ 15
		var sp *float32
		if sg != nil {
			sp = &sg[0]
		}
		affineSiLUAVX512(&dst[0], sp, &src[0], i, a, b)
	}
	for ; i < len(src); i++ {
		y := a*src[i] + b
		s := sigmoidf(y)
		dst[i] = y * s
		if sg != nil {
			sg[i] = s
		}
	}
}

// siluBackSums writes the gradient through SiLU at y = a·x + sh,
// g = dy·σ(y)·(1 + y·(1 − σ(y))), and returns Σg and Σg·(x − mean).
func siluBackSums(g, dy, x []float32, a, sh, mean float32) (s1, s2 float32) {
	return siluBackSumsWith(useAVX512, g, dy, x, a, sh, mean)
}

func siluBackSumsWith(vec bool, g, dy, x []float32, a, sh, mean float32) (s1, s2 float32) {
	g, dy = g[:len(x)], dy[:len(x)]
	i := 0
	if vec && len(x) >= 16 {
		var acc [32]float32
		i = len(x) &^ 15
		gnSiLUBackAVX512(&g[0], &dy[0], &x[0], i, a, sh, mean, &acc)
		s1, s2 = lanes16(&acc)
	}
	for ; i < len(x); i++ {
		y := a*x[i] + sh
		s := sigmoidf(y)
		gv := dy[i] * s * (1 + y*(1-s))
		g[i] = gv
		s1 += gv
		s2 += gv * (x[i] - mean)
	}
	return s1, s2
}

// affineComb writes (ow) or adds d = a·g + c0 + c1·x.
func affineComb(d, g, x []float32, a, c0, c1 float32, ow bool) {
	affineCombWith(useAVX512, d, g, x, a, c0, c1, ow)
}

func affineCombWith(vec bool, d, g, x []float32, a, c0, c1 float32, ow bool) {
	d, g = d[:len(x)], g[:len(x)]
	i := 0
	if vec && len(x) >= 16 {
		i = len(x) &^ 15
		gnDxAVX512(&d[0], &g[0], &x[0], i, a, c0, c1, boolInt(ow))
	}
	if ow {
		for ; i < len(x); i++ {
			d[i] = a*g[i] + c0 + c1*x[i]
		}
		return
	}
	for ; i < len(x); i++ {
		d[i] += a*g[i] + c0 + c1*x[i]
	}
}
