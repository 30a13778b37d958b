package gemm

// packAPairs is packA for the bfloat16 kernel: the panel of mr rows holds,
// for each pair of k steps, one 32-bit word per row with op(A)[i, 2p] in its
// low half and op(A)[i, 2p+1] in its high half (zero past kc). Panels keep
// packA's stride of kc·mr words, of which the first ⌈kc/2⌉·mr are used.
func packAPairs(dst []float32, p *problem, ic, mc, pc, kc, mr int) {
	kp := (kc + 1) / 2
	a, lda := p.a, p.lda
	for q := 0; q*mr < mc; q++ {
		rows := min(mr, mc-q*mr)
		panel := dst[q*kc*mr : q*kc*mr+kp*mr]
		i0 := ic + q*mr
		if p.transA {
			// op(A)[i, k] = a[k*lda + i]: steps 2s and 2s+1 are two rows.
			for s := range kp {
				d := panel[s*mr : s*mr+rows]
				lo := a[(pc+2*s)*lda+i0:][:rows]
				if 2*s+1 == kc {
					for r, v := range lo {
						d[r] = bf16Pair(v, 0)
					}
					continue
				}
				hi := a[(pc+2*s+1)*lda+i0:][:rows]
				for r, v := range lo {
					d[r] = bf16Pair(v, hi[r])
				}
			}
			continue
		}
		// op(A)[i, k] = a[i*lda + k]: a row holds the pairs in order.
		for r := range rows {
			src := a[(i0+r)*lda+pc:][:kc]
			for s := 0; s < kc/2; s++ {
				panel[s*mr+r] = bf16Pair(src[2*s], src[2*s+1])
			}
			if kc%2 == 1 {
				panel[(kp-1)*mr+r] = bf16Pair(src[kc-1], 0)
			}
		}
	}
}

// packBPairs is packB for the bfloat16 kernel: for each pair of k steps,
// nr words holding (op(B)[2p, j], op(B)[2p+1, j]); columns past nc and the
// odd last step are zero.
func packBPairs(dst []float32, p *problem, pc, kc, jc, nc, nr int) {
	kp := (kc + 1) / 2
	b, ldb := p.b, p.ldb
	for q := 0; q*nr < nc; q++ {
		cols := min(nr, nc-q*nr)
		panel := dst[q*kc*nr : q*kc*nr+kp*nr]
		j0 := jc + q*nr
		for s := range kp {
			clear(panel[s*nr+cols : s*nr+nr])
		}
		if p.transB {
			// op(B)[k, j] = b[j*ldb + k]: a row of b holds column j's pairs.
			for j := range cols {
				src := b[(j0+j)*ldb+pc:][:kc]
				for s := 0; s < kc/2; s++ {
					panel[s*nr+j] = bf16Pair(src[2*s], src[2*s+1])
				}
				if kc%2 == 1 {
					panel[(kp-1)*nr+j] = bf16Pair(src[kc-1], 0)
				}
			}
			continue
		}
		// op(B)[k, j] = b[k*ldb + j]: steps 2s and 2s+1 are two rows.
		for s := range kp {
			d := panel[s*nr : s*nr+cols]
			lo := b[(pc+2*s)*ldb+j0:][:cols]
			if 2*s+1 == kc {
				for j, v := range lo {
					d[j] = bf16Pair(v, 0)
				}
				continue
			}
			hi := b[(pc+2*s+1)*ldb+j0:][:cols]
			for j, v := range lo {
				d[j] = bf16Pair(v, hi[j])
			}
		}
	}
}

// opA is op(A)[i, j].
func (p *problem) opA(i, j int) float32 {
	if p.transA {
		return p.a[j*p.lda+i]
	}
	return p.a[i*p.lda+j]
}

// opB is op(B)[i, j].
func (p *problem) opB(i, j int) float32 {
	if p.transB {
		return p.b[j*p.ldb+i]
	}
	return p.b[i*p.ldb+j]
}
