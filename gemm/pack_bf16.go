package gemm

// packAPairs is packA for the bfloat16 kernel: the panel of mr rows holds,
// for each pair of k steps, one 32-bit word per row with op(A)[i, 2p] in its
// low half and op(A)[i, 2p+1] in its high half (zero past kc). Panels keep
// packA's stride of kc·mr words, of which the first ⌈kc/2⌉·mr are used.
func packAPairs(dst []float32, p *problem, ic, mc, pc, kc, mr int) {
	kp := (kc + 1) / 2
	for q := 0; q*mr < mc; q++ {
		rows := min(mr, mc-q*mr)
		panel := dst[q*kc*mr : q*kc*mr+kp*mr]
		i0 := ic + q*mr
		for r := range rows {
			for s := range kp {
				lo := p.opA(i0+r, pc+2*s)
				var hi float32
				if 2*s+1 < kc {
					hi = p.opA(i0+r, pc+2*s+1)
				}
				panel[s*mr+r] = bf16Pair(lo, hi)
			}
		}
	}
}

// packBPairs is packB for the bfloat16 kernel: for each pair of k steps,
// nr words holding (op(B)[2p, j], op(B)[2p+1, j]); columns past nc and the
// odd last step are zero.
func packBPairs(dst []float32, p *problem, pc, kc, jc, nc, nr int) {
	kp := (kc + 1) / 2
	for q := 0; q*nr < nc; q++ {
		cols := min(nr, nc-q*nr)
		panel := dst[q*kc*nr : q*kc*nr+kp*nr]
		j0 := jc + q*nr
		for s := range kp {
			row := panel[s*nr : s*nr+nr]
			for j := range cols {
				lo := p.opB(pc+2*s, j0+j)
				var hi float32
				if 2*s+1 < kc {
					hi = p.opB(pc+2*s+1, j0+j)
				}
				row[j] = bf16Pair(lo, hi)
			}
			clear(row[cols:])
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
