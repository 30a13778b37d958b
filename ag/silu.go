package ag

// Element-wise SiLU kernels, split over workers for large tensors.

func siluForward(workers int, dst, src []float32) {
	if len(src) < parallelMin || workers == 1 {
		siluRange(dst, src)
		return
	}
	parallelElems(workers, len(src), func(lo, hi int) { siluRange(dst[lo:hi], src[lo:hi]) })
}

// siluRange is the channel kernel on one channel with the identity map
// y = 1·x + 0.
func siluRange(d, s []float32) {
	ab := [2]float32{1, 0}
	siluAffine(useAVX512, d, s, len(s), ab[:1], ab[1:], 0)
}

// siluBackward does dx (+)= dy·σ(x)(1 + x(1 − σ(x))), overwriting dx
// when ow is set.
func siluBackward(workers int, dx, dy, x []float32, ow bool) {
	if len(x) < parallelMin || workers == 1 {
		siluBackRange(dx, dy, x, ow)
		return
	}
	parallelElems(workers, len(x), func(lo, hi int) { siluBackRange(dx[lo:hi], dy[lo:hi], x[lo:hi], ow) })
}

func siluBackRange(d, g, s []float32, ow bool) {
	d, g = d[:len(s)], g[:len(s)]
	if ow {
		ab, sums := [2]float32{1, 0}, [2]float32{}
		siluGradSums(useAVX512, d, g, s, len(s), ab[:1], ab[1:], 0, sums[:], 0)
		return
	}
	for i, v := range s {
		sg := sigmoidf(v)
		d[i] += g[i] * sg * (1 + v*(1-sg))
	}
}
