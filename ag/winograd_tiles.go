package ag

// The tile transforms of the Winograd F(2×2, 3×3) convolution (winograd.go),
// one image plane at a time. Tile (i, j) of a plane covers the output rows
// 2i, 2i+1 and columns 2j, 2j+1, and reads the 4×4 input patch of rows
// 2i−1…2i+2 and columns 2j−1…2j+2 (zero outside the plane: padding 1, and
// the missing row or column of the last tile of an odd size). Tiles are
// numbered t = i·tw + j. A transformed tile's 16 values go to 16 matrices:
// element ξ = 4k+l of tile t is m[ξ·sx + t]: the tiles of a plane are
// contiguous in each matrix, so every transform runs along rows of tiles.

// winoBufLen is the size of the scratch buffer the plane transforms need
// for an h×w plane.
func winoBufLen(h, w int) int {
	th, tw := (h+1)/2, (w+1)/2
	return 16*th*tw + 8*tw
}

// winoInputPads zeroes the rows of winoInput's buffer that stand for the
// padding above and below an h×w plane (the plane's rows never touch them).
func winoInputPads(buf []float32, h, w int) {
	th, tw := (h+1)/2, (w+1)/2
	p := (th + 1) * tw
	for l := range 4 {
		he, ho := buf[2*l*p:(2*l+1)*p], buf[(2*l+1)*p:(2*l+2)*p]
		clear(he[:tw]) // padded row 0: above the plane
		clear(ho[th*tw:])
		if h%2 == 1 {
			clear(he[th*tw:]) // padded row h+1: below the plane
		}
	}
}

// winoInput writes V = Bᵀ d B of every tile of the h×w plane x, with
//
//	Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],
//
// to v[ξ·sx + t]. buf holds winoBufLen(h, w) floats, its padding rows
// zeroed by winoInputPads (the assembly needs neither).
//
// First d B per input row: the column combination (winoInRow) of every
// row y gives h_l[y][j], l = 0…3, stored by the parity of the padded row
// y+1 in the planes he_l (even) and ho_l (odd), so that tile row i's four
// input rows 2i−1…2i+2 are he_l[i], ho_l[i], he_l[i+1], ho_l[i+1]. Then the
// row combination Bᵀ is one pass over all tiles at once (winoBT4). The
// assembly does the same per tile row, keeping the rows shared by
// neighbouring tile rows in registers.
func winoInput(vec bool, v []float32, sx int, x []float32, h, w int, buf []float32) {
	th, tw := (h+1)/2, (w+1)/2
	n, p := th*tw, (th+1)*tw
	if winoVecRow(vec, w) {
		_, _ = x[h*w-1], v[15*sx+n-1]
		lo, hi, tm := winoRowMasks(w)
		winoInputFusedAVX512(&v[0], sx, &x[0], h, w, tw, lo, hi, tm)
		return
	}
	var he, ho [4][]float32
	for l := range 4 {
		he[l], ho[l] = buf[2*l*p:(2*l+1)*p], buf[(2*l+1)*p:(2*l+2)*p]
	}
	for y := 0; y < h; y++ {
		var d [4][]float32
		o := (y + 1) / 2 * tw // padded row y+1
		for l := range 4 {
			d[l] = he[l][o : o+tw]
			if y%2 == 0 {
				d[l] = ho[l][o : o+tw]
			}
		}
		winoInRow(d[0], d[1], d[2], d[3], x[y*w:(y+1)*w])
	}
	for l := range 4 {
		winoBT4(v[l*sx:l*sx+n], v[(4+l)*sx:(4+l)*sx+n], v[(8+l)*sx:(8+l)*sx+n], v[(12+l)*sx:(12+l)*sx+n],
			he[l][:n], ho[l][:n], he[l][tw:tw+n], ho[l][tw:tw+n])
	}
}

// winoOutput writes Y = Aᵀ M A + bias of every tile, with
//
//	Aᵀ = [1 1 1 0; 0 1 −1 −1],
//
// from m[ξ·sx + t] to the h×w plane y, dropping the row and column that
// the last tiles of an odd size have beyond the plane. buf holds
// winoBufLen(h, w) floats (the assembly needs none). Aᵀ combines the rows
// of M for all tiles at once (winoAT2, giving s_r,l for output row 2i+r),
// then the columns of each output row (winoOutRow); the assembly does both
// per tile row.
func winoOutput(vec bool, y []float32, m []float32, sx int, h, w int, bias float32, buf []float32) {
	th, tw := (h+1)/2, (w+1)/2
	n := th * tw
	if winoVecRow(vec, w) {
		_, _ = y[h*w-1], m[15*sx+n-1]
		lo, hi, tm := winoRowMasks(w)
		winoOutputFusedAVX512(&y[0], &m[0], sx, h, w, tw, bias, lo, hi, tm)
		return
	}
	var s [2][4][]float32
	for l := range 4 {
		s[0][l], s[1][l] = buf[2*l*n:(2*l+1)*n], buf[(2*l+1)*n:(2*l+2)*n]
		winoAT2(s[0][l], s[1][l], m[l*sx:l*sx+n], m[(4+l)*sx:(4+l)*sx+n], m[(8+l)*sx:(8+l)*sx+n], m[(12+l)*sx:(12+l)*sx+n])
	}
	for yr := 0; yr < h; yr++ {
		r, o := yr%2, yr/2*tw
		winoOutRow(y[yr*w:(yr+1)*w], s[r][0][o:o+tw], s[r][1][o:o+tw], s[r][2][o:o+tw], s[r][3][o:o+tw], bias)
	}
}

// winoGradOutPads zeroes the rows of winoGradOut's buffer that stand for the
// row below an h×w plane of odd height (the plane's rows never touch them).
func winoGradOutPads(buf []float32, h, w int) {
	if h%2 == 0 {
		return
	}
	th, tw := (h+1)/2, (w+1)/2
	n := th * tw
	for l := range 4 {
		clear(buf[(2*l+1)*n+(th-1)*tw : (2*l+2)*n])
	}
}

// winoGradOut writes dM = A dY Aᵀ, the gradient of M through winoOutput,
// of every tile of the h×w output-gradient plane dy to dm[ξ·sx + t]; rows
// and columns beyond the plane count as zero. It returns the sum of dy (the
// bias gradient's share of this plane), summed as winoLanes.sum says. buf
// holds winoBufLen(h, w) floats, its padding rows zeroed by
// winoGradOutPads (the assembly needs neither). A = [1 0; 1 1; 1 −1; 0 −1]
// expands the two columns of each tile per row of dY (winoGradOutRow, into
// c_r,l for tile row i's row r), then the two rows for all tiles at once
// (winoA4); the assembly does both per tile row.
func winoGradOut(vec bool, dm []float32, sx int, dy []float32, h, w int, buf []float32) float32 {
	th, tw := (h+1)/2, (w+1)/2
	n := th * tw
	var sum float32
	if winoVecRow(vec, w) {
		_, _ = dy[h*w-1], dm[15*sx+n-1]
		lo, hi, tm := winoRowMasks(w)
		winoGradOutFusedAVX512(&dm[0], sx, &dy[0], h, w, tw, lo, hi, tm, &sum)
		return sum
	}
	var c [2][4][]float32
	for l := range 4 {
		c[0][l], c[1][l] = buf[2*l*n:(2*l+1)*n], buf[(2*l+1)*n:(2*l+2)*n]
	}
	{
		var acc winoLanes
		for y := 0; y < h; y++ {
			r, o := y%2, y/2*tw
			winoGradOutRow(c[r][0][o:o+tw], c[r][1][o:o+tw], c[r][2][o:o+tw], c[r][3][o:o+tw], dy[y*w:(y+1)*w], &acc)
		}
		sum = acc.sum()
	}
	for l := range 4 {
		winoA4(dm[l*sx:l*sx+n], dm[(4+l)*sx:(4+l)*sx+n], dm[(8+l)*sx:(8+l)*sx+n], dm[(12+l)*sx:(12+l)*sx+n], c[0][l], c[1][l])
	}
	return sum
}

// winoGradIn adds dD = B dV Bᵀ, the gradient of d through winoInput, of
// every tile from dv[ξ·sx + t] into the h×w plane dx (or writes it there
// when ow is set), dropping what falls on the padding. buf holds
// winoBufLen(h, w) floats (the assembly needs none). B combines the rows
// of dV for all tiles at once (winoB4, giving q_r,l: the gradient reaching
// input row 2i−1+r), then each such row's columns are combined and added
// to dx (winoGradInRow), where the overlapping tiles meet. Overlapping
// rows are added tile row by tile row from the top: a fixed order, which
// the assembly keeps while doing both per tile row.
func winoGradIn(vec bool, dx []float32, dv []float32, sx int, h, w int, ow bool, buf []float32) {
	th, tw := (h+1)/2, (w+1)/2
	n := th * tw
	if winoVecRow(vec, w) {
		_, _ = dx[h*w-1], dv[15*sx+n-1]
		lo, hi, tm := winoRowMasks(w)
		winoGradInFusedAVX512(&dx[0], &dv[0], sx, h, w, tw, lo, hi, tm, b2i(ow))
		return
	}
	var q [4][4][]float32
	for l := range 4 {
		for r := range 4 {
			q[r][l] = buf[(4*l+r)*n : (4*l+r+1)*n]
		}
		winoB4(q[0][l], q[1][l], q[2][l], q[3][l], dv[l*sx:l*sx+n], dv[(4+l)*sx:(4+l)*sx+n], dv[(8+l)*sx:(8+l)*sx+n], dv[(12+l)*sx:(12+l)*sx+n])
	}
	if ow {
		clear(dx[:h*w])
	}
	for i := 0; i < th; i++ {
		o := i * tw
		for r := range 4 {
			y := 2*i - 1 + r
			if y < 0 || y >= h {
				continue
			}
			winoGradInRow(dx[y*w:(y+1)*w], q[r][0][o:o+tw], q[r][1][o:o+tw], q[r][2][o:o+tw], q[r][3][o:o+tw])
		}
	}
}

// winoWeights writes U = G g Gᵀ of every 3×3 kernel g of w [O, C, 3, 3],
//
//	G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
//
// to u[ξ·su + o·so + c·sc]: so = 1 ([c][o]) or sc = 1 ([o][c]), walked so
// that the writes are sequential.
func winoWeights(u []float32, su, so, sc int, w []float32, o, c int) {
	n := o * c
	var us [16][]float32
	for xi := range us {
		us[xi] = u[xi*su : xi*su+n]
	}
	outer, inner := winoKernelOrder(o, c, so)
	for a := 0; a < outer; a++ {
		for b := 0; b < inner; b++ {
			oc, cc := a, b
			if so == 1 {
				oc, cc = b, a
			}
			k := (oc*c + cc) * 9
			g := w[k : k+9 : k+9]
			base := oc*so + cc*sc
			// G on the columns of each kernel row (r_a = g_a Gᵀ), then on
			// the rows: U[·][l] = G r[·][l].
			for l := range 4 {
				var r0, r1, r2 float32
				switch l {
				case 0:
					r0, r1, r2 = g[0], g[3], g[6]
				case 1:
					r0, r1, r2 = (g[0]+g[1]+g[2])/2, (g[3]+g[4]+g[5])/2, (g[6]+g[7]+g[8])/2
				case 2:
					r0, r1, r2 = (g[0]-g[1]+g[2])/2, (g[3]-g[4]+g[5])/2, (g[6]-g[7]+g[8])/2
				default:
					r0, r1, r2 = g[2], g[5], g[8]
				}
				us[l][base] = r0
				us[4+l][base] = (r0 + r1 + r2) / 2
				us[8+l][base] = (r0 - r1 + r2) / 2
				us[12+l][base] = r2
			}
		}
	}
}

// winoWeightGrad adds dg = Gᵀ dU G, the gradient of g through winoWeights,
// to gw [O, C, 3, 3], from du[ξ·su + o·so + c·sc] (read sequentially).
func winoWeightGrad(gw []float32, du []float32, su, so, sc int, o, c int) {
	outer, inner := winoKernelOrder(o, c, so)
	for a := 0; a < outer; a++ {
		for b := 0; b < inner; b++ {
			oc, cc := a, b
			if so == 1 {
				oc, cc = b, a
			}
			base := oc*so + cc*sc
			// Gᵀ's rows (1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1) on the columns of each
			// row k of dU, then on the rows.
			var r [4][3]float32
			for k := range 4 {
				u0, u1, u2, u3 := du[4*k*su+base], du[(4*k+1)*su+base], du[(4*k+2)*su+base], du[(4*k+3)*su+base]
				r[k] = [3]float32{u0 + (u1+u2)/2, (u1 - u2) / 2, (u1+u2)/2 + u3}
			}
			g := gw[(oc*c+cc)*9 : (oc*c+cc)*9+9]
			for j := range 3 {
				g[j] += r[0][j] + (r[1][j]+r[2][j])/2
				g[3+j] += (r[1][j] - r[2][j]) / 2
				g[6+j] += (r[1][j]+r[2][j])/2 + r[3][j]
			}
		}
	}
}

// winoKernelOrder returns the loop bounds over (output, input) channel
// pairs: output channels inner when so = 1, input channels inner otherwise.
func winoKernelOrder(o, c, so int) (outer, inner int) {
	if so == 1 {
		return c, o
	}
	return o, c
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
