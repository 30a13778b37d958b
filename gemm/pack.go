package gemm

// packA copies op(A)[ic:ic+mc, pc:pc+kc] into dst as consecutive panels of
// mr rows; inside a panel, the mr values of one k step are adjacent, which is
// the order the micro-kernel broadcasts them in. Rows past mc in the last
// panel are left as they are: kernels never store those rows.
func packA(dst []float32, p *problem, ic, mc, pc, kc, mr int) {
	a, lda := p.a, p.lda
	for q := 0; q*mr < mc; q++ {
		rows := min(mr, mc-q*mr)
		panel := dst[q*kc*mr : (q+1)*kc*mr]
		i0 := ic + q*mr
		if p.transA {
			// op(A)[i, p] = a[p*lda + i]: each k step is a contiguous run.
			copyRowsNarrow(panel, mr, a[pc*lda+i0:], lda, kc, rows)
			continue
		}
		// op(A)[i, p] = a[i*lda + p]: read rows contiguously, scatter by mr.
		interleave(panel, mr, kc, func(r int) []float32 { return a[(i0+r)*lda+pc:] }, rows)
	}
}

// packB copies op(B)[pc:pc+kc, jc:jc+nc] into dst as consecutive panels of
// nr columns, each k step's nr values adjacent. Columns past nc in the last
// panel are zeroed so kernels may compute (but not store) them harmlessly.
func packB(dst []float32, p *problem, pc, kc, jc, nc, nr int) {
	b, ldb := p.b, p.ldb
	for q := 0; q*nr < nc; q++ {
		cols := min(nr, nc-q*nr)
		panel := dst[q*kc*nr : (q+1)*kc*nr]
		j0 := jc + q*nr
		if !p.transB {
			// op(B)[p, j] = b[p*ldb + j]: each k step is a contiguous run.
			if cols == nr {
				copyRows(panel, nr, b[(pc)*ldb+j0:], ldb, kc)
				continue
			}
			for k := 0; k < kc; k++ {
				d := panel[k*nr : k*nr+nr]
				copy(d[:cols], b[(pc+k)*ldb+j0:])
				clear(d[cols:])
			}
			continue
		}
		// op(B)[p, j] = b[j*ldb + p]: read columns of op(B) contiguously.
		interleave(panel, nr, kc, func(j int) []float32 { return b[(j0+j)*ldb+pc:] }, cols)
		for j := cols; j < nr; j++ {
			for k := 0; k < kc; k++ {
				panel[k*nr+j] = 0
			}
		}
	}
}

// copyRowsStrided copies n rows of width floats from src (row stride ld)
// to dst (row stride stride).
func copyRowsStrided(dst []float32, stride int, src []float32, ld, n, width int) {
	for k := range n {
		copy(dst[k*stride:k*stride+width], src[k*ld:k*ld+width])
	}
}

func copyRowsGo(dst []float32, nr int, src []float32, ld, n int) {
	for k := range n {
		copy(dst[k*nr:k*nr+nr], src[k*ld:k*ld+nr])
	}
}
