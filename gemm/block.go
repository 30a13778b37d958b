package gemm

// block runs the cache-blocked loop nest of one worker over the C sub-block
// rows [i0, i1) × columns [j0, j1), packing into its own scratch buffers.
//
// Loop order (outer to inner): nc columns of B (L3 block), kc steps of k
// (packed B̃ block), mc rows of A (packed Ã block, L2), nr-column B̃ panels
// (reused from cache across the next loop), mr-row Ã panels, micro-kernel.
func (kn *kernel) block(p *problem, i0, i1, j0, j1 int, s *scratch) {
	mr, nr := kn.mr, kn.nr
	kcBlock := kn.kcBlock(p.k)
	mcMax := min(kn.mc, i1-i0)
	ncMax := min(kn.nc, j1-j0)
	packed := p.packed
	direct := packed == nil && !p.transB && i1-i0 <= kn.directRows
	bufA := s.get(&s.a, roundUp(mcMax, mr)*kcBlock)
	var bufB []float32
	switch {
	case direct:
		bufB = s.get(&s.b, nr*kcBlock) // only the ragged right-edge panel
	case packed == nil:
		bufB = s.get(&s.b, roundUp(ncMax, nr)*kcBlock)
	}
	c, ldc := p.c, p.ldc
	packA, packB := packA, packB
	if kn.pairs {
		packA, packB = packAPairs, packBPairs
	}
	for jc := j0; jc < j1; jc += kn.nc {
		nc := min(kn.nc, j1-jc)
		for pc := 0; pc < p.k; pc += kcBlock {
			kc := min(kcBlock, p.k-pc)
			if !direct && packed == nil {
				packB(bufB, p, pc, kc, jc, nc, nr)
			}
			// Later k blocks accumulate onto what the first one stored.
			beta := p.beta
			if pc > 0 {
				beta = 1
			}
			for ic := i0; ic < i1; ic += kn.mc {
				mc := min(kn.mc, i1-ic)
				packA(bufA, p, ic, mc, pc, kc, mr)
				for jr := 0; jr < nc; jr += nr {
					cols := min(nr, nc-jr)
					var bp []float32
					ldb := nr
					switch {
					case packed != nil:
						bp = packed.panel(pc, kc, jc+jr)
					case !direct:
						bp = bufB[jr*kc : (jr+nr)*kc]
					case cols == nr:
						bp, ldb = p.b[pc*p.ldb+jc+jr:], p.ldb
					default:
						bp = bufB[:nr*kc]
						packB(bp, p, pc, kc, jc+jr, cols, nr)
					}
					for ir := 0; ir < mc; ir += mr {
						rows := min(mr, mc-ir)
						ap := bufA[ir*kc : (ir+mr)*kc]
						kn.tile(kc, ap, bp, ldb, c[(ic+ir)*ldc+jc+jr:], ldc, p.alpha, beta, rows, cols)
					}
				}
			}
		}
	}
}

// kcBlock is the length of the k blocks the block loop (and PackB) split k
// into: equal blocks no larger than kn.kc, since a short last block would
// pay a full load and store of C for little arithmetic.
func (kn *kernel) kcBlock(k int) int { return ceilDiv(k, ceilDiv(k, kn.kc)) }

func roundUp(x, m int) int { return (x + m - 1) / m * m }
