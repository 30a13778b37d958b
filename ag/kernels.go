package ag

// Vector kernels of GroupNorm and SiLU. Each runs the AVX-512 assembly
// when the CPU has it (whole vectors, then one masked vector for the
// tail) and a portable Go loop otherwise. The Go loops are the reference
// the assembly is tested against: each kernel takes the choice as a
// parameter (vec), fixed to useAVX512 by its callers, so that a test runs
// both paths without flipping a global.
//
// The channel kernels walk len(a) consecutive channels of hw elements
// each (one GroupNorm group, or a whole tensor as one channel), with
// per-channel coefficients a[c] (and b[c]).

// tailMask is the lane mask of the last, partial vector of n elements.
func tailMask(n int) int { return 1<<(n%16) - 1 }

// sumLanes returns Σx: 16 float32 lanes in a fixed order, folded in
// float64.
func sumLanes(vec bool, x []float32) float64 {
	var acc [16]float32
	if vec && len(x) > 0 {
		sumLanesAVX512(&x[0], len(x), tailMask(len(x)), &acc)
	} else {
		for i, v := range x {
			acc[i%16] += v
		}
	}
	return fold16(&acc)
}

// sqDevLanes returns Σ(x − m)², accumulated as sumLanes.
func sqDevLanes(vec bool, x []float32, m float32) float64 {
	var acc [16]float32
	if vec && len(x) > 0 {
		sqDevLanesAVX512(&x[0], len(x), m, tailMask(len(x)), &acc)
	} else {
		for i, v := range x {
			d := v - m
			acc[i%16] += d * d
		}
	}
	return fold16(&acc)
}

// fold16 adds the 16 lanes in float64 as a pairwise tree (four dependent
// additions instead of fifteen: it runs once per group and pass).
func fold16(acc *[16]float32) float64 {
	var p [8]float64
	for i := range p {
		p[i] = float64(acc[2*i]) + float64(acc[2*i+1])
	}
	return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]))
}

// siluAffine writes dst = y·σ(y) with y = a[c]·src + b[c] on channel c.
// The assembly prefetches meanwhile the elements ahead elements after src
// and dst (dst's for writing): a GroupNorm passes its group size, so the
// next group is near when it comes; 0 prefetches nothing new.
func siluAffine(vec bool, dst, src []float32, hw int, a, b []float32, ahead int) {
	n := len(a) * hw
	dst, src, b = dst[:n], src[:n], b[:len(a)]
	if vec && n > 0 {
		siluAffineAVX512(&dst[0], &src[0], hw, len(a), &a[0], &b[0], tailMask(hw), 4*ahead)
		return
	}
	for c, ac := range a {
		d, s := dst[c*hw:(c+1)*hw], src[c*hw:(c+1)*hw]
		for i, v := range s {
			y := ac*v + b[c]
			d[i] = y * sigmoidf(y)
		}
	}
}

// siluGradSums writes the gradient through SiLU at y = a[c]·x + b[c],
// g = dy·σ(y)·(1 + y·(1 − σ(y))), and per channel c the sums
// sums[2c] = Σg and sums[2c+1] = Σg·(x − mean). The assembly prefetches
// dy and x ahead elements ahead meanwhile, as siluAffine.
func siluGradSums(vec bool, g, dy, x []float32, hw int, a, b []float32, mean float32, sums []float32, ahead int) {
	n := len(a) * hw
	g, dy, x, b, sums = g[:n], dy[:n], x[:n], b[:len(a)], sums[:2*len(a)]
	if vec && n > 0 {
		siluBackAVX512(&g[0], &dy[0], &x[0], hw, len(a), &a[0], &b[0], mean, tailMask(hw), &sums[0], 4*ahead)
		return
	}
	for c, ac := range a {
		var s1, s2 float32
		for i := c * hw; i < (c+1)*hw; i++ {
			y := ac*x[i] + b[c]
			s := sigmoidf(y)
			gv := dy[i] * s * (1 + y*(1-s))
			g[i] = gv
			s1 += gv
			s2 += gv * (x[i] - mean)
		}
		sums[2*c], sums[2*c+1] = s1, s2
	}
}

// affineComb writes (ow) or adds d = a[c]·g + c0 + c1·x on channel c.
// The assembly prefetches d ahead elements ahead for writing meanwhile.
func affineComb(vec bool, d, g, x []float32, hw int, a []float32, c0, c1 float32, ow bool, ahead int) {
	n := len(a) * hw
	d, g, x = d[:n], g[:n], x[:n]
	if vec && n > 0 {
		affineCombAVX512(&d[0], &g[0], &x[0], hw, len(a), &a[0], c0, c1, boolInt(ow), tailMask(hw), 4*ahead)
		return
	}
	for c, ac := range a {
		for i := c * hw; i < (c+1)*hw; i++ {
			v := ac*g[i] + c0 + c1*x[i]
			if !ow {
				v += d[i]
			}
			d[i] = v
		}
	}
}

// softmaxRow replaces r by e^(r − max r) / Σ e^(r − max r).
func softmaxRow(vec bool, r []float32) {
	if vec && len(r) > 0 {
		softmaxRowAVX512(&r[0], len(r), tailMask(len(r)))
		return
	}
	m := r[0]
	for _, v := range r {
		m = max(m, v)
	}
	var s float32
	for i, v := range r {
		e := expf(v - m)
		r[i] = e
		s += e
	}
	inv := 1 / s
	for i := range r {
		r[i] *= inv
	}
}
