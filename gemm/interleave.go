package gemm

// interleave writes dst[k*stride+i] = src[i][k] for k < n: the transposing
// copy both packers need (rows of A into an A panel, columns of Bᵀ into a B
// panel). Sources are taken eight, four, two and one at a time so each pass
// reads a few sequential streams and writes short runs, with the bounds
// checks hoisted out of the loops.
func interleave(dst []float32, stride, n int, src func(i int) []float32, count int) {
	if count > 16 && count <= 32 && interleaveFast(dst, stride, n, src, 0, 16) &&
		interleaveFast(dst[16:], stride, n, src, 16, count-16) {
		return
	}
	if interleaveFast(dst, stride, n, src, 0, count) {
		return
	}
	i := 0
	if count == 14 { // a full panel of the AVX-512 kernel, in one pass
		interleave14(dst, stride, n, src)
		return
	}
	for ; i+8 <= count; i += 8 {
		interleave8(dst[i:], stride, n, src(i), src(i+1), src(i+2), src(i+3), src(i+4), src(i+5), src(i+6), src(i+7))
	}
	for ; i+4 <= count; i += 4 {
		interleave4(dst[i:], stride, n, src(i), src(i+1), src(i+2), src(i+3))
	}
	for ; i < count; i++ {
		s := src(i)[:n]
		d := dst[i:]
		for k, v := range s {
			d[k*stride] = v
		}
	}
}

func interleave8(dst []float32, stride, n int, s0, s1, s2, s3, s4, s5, s6, s7 []float32) {
	s0, s1, s2, s3 = s0[:n], s1[:n], s2[:n], s3[:n]
	s4, s5, s6, s7 = s4[:n], s5[:n], s6[:n], s7[:n]
	for k := range s0 {
		d := dst[k*stride : k*stride+8 : k*stride+8]
		d[0], d[1], d[2], d[3] = s0[k], s1[k], s2[k], s3[k]
		d[4], d[5], d[6], d[7] = s4[k], s5[k], s6[k], s7[k]
	}
}

func interleave4(dst []float32, stride, n int, s0, s1, s2, s3 []float32) {
	s0, s1, s2, s3 = s0[:n], s1[:n], s2[:n], s3[:n]
	for k := range s0 {
		d := dst[k*stride : k*stride+4 : k*stride+4]
		d[0], d[1], d[2], d[3] = s0[k], s1[k], s2[k], s3[k]
	}
}

// interleave14 is interleave of 14 sources: one pass writing each k step's
// 14 values together, rather than passes of eight, four, one and one.
func interleave14(dst []float32, stride, n int, src func(i int) []float32) {
	s0, s1, s2, s3, s4, s5, s6 := src(0)[:n], src(1)[:n], src(2)[:n], src(3)[:n], src(4)[:n], src(5)[:n], src(6)[:n]
	s7, s8, s9, s10, s11, s12, s13 := src(7)[:n], src(8)[:n], src(9)[:n], src(10)[:n], src(11)[:n], src(12)[:n], src(13)[:n]
	for k := range s0 {
		d := dst[k*stride : k*stride+14 : k*stride+14]
		d[0], d[1], d[2], d[3], d[4], d[5], d[6] = s0[k], s1[k], s2[k], s3[k], s4[k], s5[k], s6[k]
		d[7], d[8], d[9], d[10], d[11], d[12], d[13] = s7[k], s8[k], s9[k], s10[k], s11[k], s12[k], s13[k]
	}
}
