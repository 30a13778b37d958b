package ag

// Kernels of 2×2 average pooling, nearest-neighbour 2× up-sampling and
// their gradients, on rows: pool2 (a window sum) is the pooling and the
// up-sampling's gradient, spread2 (a value copied to its window) the
// up-sampling and the pooling's gradient. The AVX-512 assembly runs when
// the CPU has it (vec); the Go loops are the reference, with the same
// additions in the same order, so both paths give the same bits.

// pool2 writes (ow) or adds into each of rows output rows of wo elements
// the window sums of two input rows of 2·wo, times s:
// dst[j] = s·((r0[2j] + r1[2j]) + (r0[2j+1] + r1[2j+1])).
func pool2(vec bool, dst, src []float32, rows, wo int, s float32, ow bool) {
	dst, src = dst[:rows*wo], src[:4*rows*wo]
	if vec && rows*wo > 0 {
		var tab [32]int32 // the even lanes, then the odd lanes, of a 32-lane pair
		for i := range 16 {
			tab[i], tab[16+i] = int32(2*i), int32(2*i+1)
		}
		m := resampleMasks(wo % 16)
		pool2AVX512(&dst[0], &src[0], rows, wo, s, boolInt(ow), &tab, &m)
		return
	}
	for r := 0; r < rows; r++ {
		r0, r1 := src[2*r*2*wo:(2*r+1)*2*wo], src[(2*r+1)*2*wo:(2*r+2)*2*wo]
		d := dst[r*wo : (r+1)*wo]
		for j := range d {
			v := s * ((r0[2*j] + r1[2*j]) + (r0[2*j+1] + r1[2*j+1]))
			if !ow {
				v += d[j]
			}
			d[j] = v
		}
	}
}

// spread2 writes (ow) or adds s·src[j], for each of rows input rows of w
// elements, into dst[2j] and dst[2j+1] of both output rows of 2·w.
func spread2(vec bool, dst, src []float32, rows, w int, s float32, ow bool) {
	dst, src = dst[:4*rows*w], src[:rows*w]
	if vec && rows*w > 0 {
		var tab [32]int32 // lanes 0..7 and 8..15, each twice
		for i := range 16 {
			tab[i], tab[16+i] = int32(i/2), int32(8+i/2)
		}
		m := resampleMasks(w % 16)
		spread2AVX512(&dst[0], &src[0], rows, w, s, boolInt(ow), &tab, &m)
		return
	}
	for r := 0; r < rows; r++ {
		sr := src[r*w : (r+1)*w]
		for _, d := range [2][]float32{dst[2*r*2*w : (2*r+1)*2*w], dst[(2*r+1)*2*w : (2*r+2)*2*w]} {
			for j, v := range sr {
				v *= s
				if ow {
					d[2*j], d[2*j+1] = v, v
					continue
				}
				d[2*j] += v
				d[2*j+1] += v
			}
		}
	}
}

// resampleMasks returns the lane masks of a last step of n narrow lanes:
// the two 16-lane halves of its 2n wide lanes, then the n narrow lanes.
func resampleMasks(n int) [3]uint16 {
	return [3]uint16{laneMask16(2 * n), laneMask16(2*n - 16), laneMask16(n)}
}
