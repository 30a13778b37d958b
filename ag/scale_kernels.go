package ag

// Kernels of the residual merge s·(a + b), of scaled gradients and of
// gradient accumulation: the
// AVX-512 assembly when the CPU has it (vec), a Go loop otherwise, which is
// the reference the assembly is tested against.

// addScaleWith writes d = s·(a + b).
func addScaleWith(vec bool, d, a, b []float32, s float32) {
	a, b = a[:len(d)], b[:len(d)]
	if vec && len(d) > 0 {
		addScaleAVX512(&d[0], &a[0], &b[0], len(d), s, tailMask(len(d)))
		return
	}
	for i := range d {
		d[i] = s * (a[i] + b[i])
	}
}

// scale2With writes (ow1) or adds s·g into d1 and likewise (ow2) into d2,
// in one pass over g; d2 may be nil, d1 may be g itself.
func scale2With(vec bool, d1, d2, g []float32, s float32, ow1, ow2 bool) {
	g = g[:len(d1)]
	if vec && len(d1) > 0 {
		if d2 == nil {
			// The kernel computes both results before storing either, so
			// d1 twice is d1 once.
			d2, ow2 = d1, ow1
		}
		d2 = d2[:len(d1)]
		scale2AVX512(&d1[0], &d2[0], &g[0], len(d1), s, boolInt(ow1), boolInt(ow2), tailMask(len(d1)))
		return
	}
	if d2 != nil {
		d2 = d2[:len(d1)]
		for i, v := range g {
			v *= s
			if ow2 {
				d2[i] = v
			} else {
				d2[i] += v
			}
		}
	}
	for i, v := range g {
		v *= s
		if ow1 {
			d1[i] = v
		} else {
			d1[i] += v
		}
	}
}

// addToWith does dst[i] += src[i].
func addToWith(vec bool, dst, src []float32) {
	src = src[:len(dst)]
	if vec && len(dst) > 0 {
		addToAVX512(&dst[0], &src[0], len(dst), tailMask(len(dst)))
		return
	}
	for i := range dst {
		dst[i] += src[i]
	}
}
