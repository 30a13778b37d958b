package ag

import "math"

// Element-wise SiLU kernels, split over workers for large tensors.

const parallelMin = 1 << 15 // elements below which one goroutine is faster

func siluForward(workers int, dst, src []float32) {
	if len(src) < parallelMin || workers == 1 {
		siluRange(dst, src)
		return
	}
	parallelFor(workers, len(src), func(_, lo, hi int) { siluRange(dst[lo:hi], src[lo:hi]) })
}

func siluRange(d, s []float32) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = v / (1 + float32(math.Exp(float64(-v))))
	}
}

// siluBackward does dx += dy·σ(x)(1 + x(1 − σ(x))).
func siluBackward(workers int, dx, dy, x []float32) {
	if len(x) < parallelMin || workers == 1 {
		siluBackRange(dx, dy, x)
		return
	}
	parallelFor(workers, len(x), func(_, lo, hi int) { siluBackRange(dx[lo:hi], dy[lo:hi], x[lo:hi]) })
}

func siluBackRange(d, g, s []float32) {
	d, g = d[:len(s)], g[:len(s)]
	for i, v := range s {
		sg := 1 / (1 + float32(math.Exp(float64(-v))))
		d[i] += g[i] * sg * (1 + v*(1-sg))
	}
}
