package gemm

// genericTile is the 4×4 pure-Go register tile. Sixteen scalar accumulators
// fit the register file of every 64-bit target, so the compiler keeps the
// inner loop free of loads and stores to C.
func genericTile(kc int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var c20, c21, c22, c23 float32
	var c30, c31, c32, c33 float32
	a = a[:4*kc]
	for p := 0; p < kc; p++ {
		ap := a[4*p : 4*p+4 : 4*p+4]
		bp := b[p*ldb : p*ldb+4 : p*ldb+4]
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	acc := [16]float32{
		c00, c01, c02, c03,
		c10, c11, c12, c13,
		c20, c21, c22, c23,
		c30, c31, c32, c33,
	}
	storeTile(acc[:], 4, rows, c, ldc, alpha, beta, cols)
}

// storeTile merges a small accumulator tile (rows rows, row stride ldt) into
// C: C = alpha·acc + beta·C for the first cols columns of each row.
func storeTile(acc []float32, ldt, rows int, c []float32, ldc int, alpha, beta float32, cols int) {
	for r := range rows {
		cr := c[r*ldc : r*ldc+cols]
		row := acc[r*ldt : r*ldt+cols]
		if beta == 0 {
			for j := range cr {
				cr[j] = alpha * row[j]
			}
		} else {
			for j := range cr {
				cr[j] = alpha*row[j] + beta*cr[j]
			}
		}
	}
}
