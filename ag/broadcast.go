package ag

import "fmt"

// bcast describes a broadcast between two operands after adjacent
// dimensions with the same broadcast pattern have been merged, so that
// e.g. [B,C,H,W] + [B,C,1,1] becomes a 2-D loop [B·C, H·W].
type bcast struct {
	d      [4]int // merged output dims, padded on the left with 1s
	sa, sb [4]int // element strides of a and b (0 where broadcast)
}

// maxRank bounds the rank of broadcast operands.
const maxRank = 8

func broadcastShapes(as, bs []int) (out [maxRank]int, r int, bc bcast) {
	r = max(len(as), len(bs))
	if r > maxRank {
		panic(fmt.Sprintf("ag: broadcast of rank > %d", maxRank))
	}
	var pa, pb [maxRank]int
	for i := 0; i < r; i++ {
		pa[i], pb[i] = 1, 1
	}
	copy(pa[r-len(as):r], as)
	copy(pb[r-len(bs):r], bs)
	// Merge dims into groups of identical (a full?, b full?) pattern.
	var gd [maxRank]int
	var ga, gb [maxRank]bool
	ng := 0
	for i := 0; i < r; i++ {
		o := max(pa[i], pb[i])
		if (pa[i] != o && pa[i] != 1) || (pb[i] != o && pb[i] != 1) {
			panic(fmt.Sprintf("ag: shapes %v and %v do not broadcast", append([]int(nil), as...), append([]int(nil), bs...)))
		}
		out[i] = o
		if o == 1 {
			continue
		}
		fa, fb := pa[i] == o, pb[i] == o
		if ng > 0 && ga[ng-1] == fa && gb[ng-1] == fb {
			gd[ng-1] *= o
			continue
		}
		gd[ng], ga[ng], gb[ng] = o, fa, fb
		ng++
	}
	if ng > 4 {
		panic(fmt.Sprintf("ag: broadcast of %v and %v is too irregular", append([]int(nil), as...), append([]int(nil), bs...)))
	}
	for i := range bc.d {
		bc.d[i] = 1
	}
	off := 4 - ng
	copy(bc.d[off:], gd[:ng])
	strA, strB := 1, 1
	for i := ng - 1; i >= 0; i-- {
		if ga[i] {
			bc.sa[off+i] = strA
			strA *= gd[i]
		}
		if gb[i] {
			bc.sb[off+i] = strB
			strB *= gd[i]
		}
	}
	return out, r, bc
}

// rows calls fn for every innermost row: output offset, a and b offsets,
// the row length and the innermost strides of a and b.
func (bc *bcast) rows(fn func(o, ao, bo, n, sa, sb int)) {
	bc.rowsRange(0, bc.nrows(), fn)
}

func (bc *bcast) nrows() int { return bc.d[0] * bc.d[1] * bc.d[2] }

// rowsRange is rows restricted to rows lo..hi-1 (in output order).
func (bc *bcast) rowsRange(lo, hi int, fn func(o, ao, bo, n, sa, sb int)) {
	n := bc.d[3]
	for r := lo; r < hi; r++ {
		i0, i1, i2 := r/(bc.d[1]*bc.d[2]), (r/bc.d[2])%bc.d[1], r%bc.d[2]
		ao := i0*bc.sa[0] + i1*bc.sa[1] + i2*bc.sa[2]
		bo := i0*bc.sb[0] + i1*bc.sb[1] + i2*bc.sb[2]
		fn(r*n, ao, bo, n, bc.sa[3], bc.sb[3])
	}
}
