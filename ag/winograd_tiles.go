package ag

// The tile transforms of the Winograd F(2×2, 3×3) convolution (winograd.go),
// one image plane at a time. Tile (i, j) of a plane covers the output rows
// 2i, 2i+1 and columns 2j, 2j+1, and reads the 4×4 input patch of rows
// 2i−1…2i+2 and columns 2j−1…2j+2 (zero outside the plane: padding 1, and
// the missing row or column of the last tile of an odd size). Tiles are
// numbered t = i·tw + j. A transformed tile's 16 values go to 16 matrices:
// element ξ = 4k+l of tile t is m[ξ·sx + t·st].

// winoRowLen is the length of one of winoInput's padded rows for a plane
// tw tiles wide: the columns −1 … 2·tw.
func winoRowLen(tw int) int { return 2*tw + 2 }

// winoRowsLen is the size of the row buffer winoInput and winoGradIn need.
func winoRowsLen(w int) int { return 4*winoRowLen((w+1)/2) + w }

// winoInput writes V = Bᵀ d B of every tile of the h×w plane x, with
//
//	Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],
//
// to v[ξ·sx + t·st]. rows is a scratch buffer of winoRowsLen(w) floats.
// The row combination Bᵀ d is done once per tile row for the whole width,
// then each tile combines four columns of it.
func winoInput(v []float32, sx, st int, x []float32, h, w int, rows []float32) {
	th, tw := (h+1)/2, (w+1)/2
	wp := winoRowLen(tw)
	r0, r1, r2, r3 := rows[:wp], rows[wp:2*wp], rows[2*wp:3*wp], rows[3*wp:4*wp]
	zero := rows[4*wp : 4*wp+w]
	clear(zero)
	for _, r := range [4][]float32{r0, r1, r2, r3} {
		r[0] = 0
		clear(r[w+1:])
	}
	row := func(y int) []float32 {
		if y < 0 || y >= h {
			return zero
		}
		return x[y*w : (y+1)*w]
	}
	for i := 0; i < th; i++ {
		d0, d1, d2, d3 := row(2*i-1), row(2*i), row(2*i+1), row(2*i+2)
		d1, d2, d3 = d1[:len(d0)], d2[:len(d0)], d3[:len(d0)]
		a0, a1, a2, a3 := r0[1:1+len(d0)], r1[1:1+len(d0)], r2[1:1+len(d0)], r3[1:1+len(d0)]
		for p, e0 := range d0 {
			e1, e2, e3 := d1[p], d2[p], d3[p]
			a0[p] = e0 - e2
			a1[p] = e1 + e2
			a2[p] = e2 - e1
			a3[p] = e1 - e3
		}
		for j := 0; j < tw; j++ {
			t := (i*tw + j) * st
			p := 2 * j
			for k, r := range [4][]float32{r0, r1, r2, r3} {
				q := r[p : p+4 : p+4]
				b := v[4*k*sx+t:]
				b[0] = q[0] - q[2]
				b[sx] = q[1] + q[2]
				b[2*sx] = q[2] - q[1]
				b[3*sx] = q[1] - q[3]
			}
		}
	}
}

// winoOutput writes Y = Aᵀ M A + bias of every tile, with
//
//	Aᵀ = [1 1 1 0; 0 1 −1 −1],
//
// from m[ξ·sx + t·st] to the h×w plane y, dropping the row and column that
// the last tiles of an odd size have beyond the plane.
func winoOutput(y []float32, m []float32, sx, st int, h, w int, bias float32) {
	th, tw := (h+1)/2, (w+1)/2
	for i := 0; i < th; i++ {
		for j := 0; j < tw; j++ {
			t := (i*tw + j) * st
			// Aᵀ on the columns of each row k of M, then on the rows.
			var s0, s1 [4]float32
			for k := range 4 {
				b := m[4*k*sx+t:]
				m0, m1, m2, m3 := b[0], b[sx], b[2*sx], b[3*sx]
				s0[k] = m0 + m1 + m2
				s1[k] = m1 - m2 - m3
			}
			y00 := s0[0] + s0[1] + s0[2] + bias
			y01 := s1[0] + s1[1] + s1[2] + bias
			y10 := s0[1] - s0[2] - s0[3] + bias
			y11 := s1[1] - s1[2] - s1[3] + bias
			o := 2*i*w + 2*j
			full := 2*j+1 < w
			y[o] = y00
			if full {
				y[o+1] = y01
			}
			if 2*i+1 < h {
				y[o+w] = y10
				if full {
					y[o+w+1] = y11
				}
			}
		}
	}
}

// winoGradOut writes dM = A dY Aᵀ, the gradient of M through winoOutput,
// of every tile of the h×w output gradient plane dy to a[ξ·sa + t·ta] and,
// when b is not nil, also to b[ξ·sb + t·tb] (the two layouts the input and
// the weight gradient's products read). Rows and columns beyond the plane
// count as zero.
func winoGradOut(a []float32, sa, ta int, b []float32, sb, tb int, dy []float32, h, w int) {
	th, tw := (h+1)/2, (w+1)/2
	for i := 0; i < th; i++ {
		for j := 0; j < tw; j++ {
			o := 2*i*w + 2*j
			var g00, g01, g10, g11 float32
			g00 = dy[o]
			full := 2*j+1 < w
			if full {
				g01 = dy[o+1]
			}
			if 2*i+1 < h {
				g10 = dy[o+w]
				if full {
					g11 = dy[o+w+1]
				}
			}
			// A = [1 0; 1 1; 1 −1; 0 −1] on the rows, then on the columns.
			r := [4][2]float32{{g00, g01}, {g00 + g10, g01 + g11}, {g00 - g10, g01 - g11}, {-g10, -g11}}
			t := i*tw + j
			for k, q := range r {
				c := [4]float32{q[0], q[0] + q[1], q[0] - q[1], -q[1]}
				d := a[4*k*sa+t*ta:]
				d[0], d[sa], d[2*sa], d[3*sa] = c[0], c[1], c[2], c[3]
				if b != nil {
					e := b[4*k*sb+t*tb:]
					e[0], e[sb], e[2*sb], e[3*sb] = c[0], c[1], c[2], c[3]
				}
			}
		}
	}
}

// winoGradIn adds dD = B dV Bᵀ, the gradient of d through winoInput, of
// every tile from dv[ξ·sx + t·st] into the h×w plane dx, dropping what falls
// on the padding. Overlapping tiles add up in a fixed order: the column
// combination dV Bᵀ of a tile row is summed into four padded rows, tile by
// tile from the left, and the row combination B(·) of those is added to dx,
// tile row by tile row from the top. rows is a scratch buffer of
// winoRowsLen(w) floats.
func winoGradIn(dx []float32, dv []float32, sx, st int, h, w int, rows []float32) {
	th, tw := (h+1)/2, (w+1)/2
	wp := winoRowLen(tw)
	q0, q1, q2, q3 := rows[:wp], rows[wp:2*wp], rows[2*wp:3*wp], rows[3*wp:4*wp]
	for i := 0; i < th; i++ {
		clear(rows[:4*wp])
		for j := 0; j < tw; j++ {
			t := (i*tw + j) * st
			p := 2 * j
			for k, q := range [4][]float32{q0, q1, q2, q3} {
				b := dv[4*k*sx+t:]
				v0, v1, v2, v3 := b[0], b[sx], b[2*sx], b[3*sx]
				// Bᵀ's columns: (v0, v1 − v2 + v3, −v0 + v1 + v2, −v3).
				r := q[p : p+4 : p+4]
				r[0] += v0
				r[1] += v1 - v2 + v3
				r[2] += v2 + v1 - v0
				r[3] -= v3
			}
		}
		// Padded column c+1 is plane column c.
		a0, a1, a2, a3 := q0[1:1+w], q1[1:1+w], q2[1:1+w], q3[1:1+w]
		if y := 2*i - 1; y >= 0 {
			d := dx[y*w : (y+1)*w]
			for c, v := range a0 {
				d[c] += v
			}
		}
		{
			d := dx[2*i*w : (2*i+1)*w]
			for c, v := range a1 {
				d[c] += v - a2[c] + a3[c]
			}
		}
		if y := 2*i + 1; y < h {
			d := dx[y*w : (y+1)*w]
			for c, v := range a2 {
				d[c] += v + a1[c] - a0[c]
			}
		}
		if y := 2*i + 2; y < h {
			d := dx[y*w : (y+1)*w]
			for c, v := range a3 {
				d[c] -= v
			}
		}
	}
}

// winoWeights writes U = G g Gᵀ of every 3×3 kernel g of w [O, C, 3, 3],
//
//	G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
//
// to u[ξ·O·C + o·so + c·sc].
func winoWeights(u []float32, so, sc int, w []float32, o, c int) {
	n := o * c
	for oc := 0; oc < o; oc++ {
		for cc := 0; cc < c; cc++ {
			g := w[(oc*c+cc)*9 : (oc*c+cc)*9+9]
			// G on the columns of each kernel row, then on the rows.
			var r [3][4]float32
			for a := range 3 {
				g0, g1, g2 := g[3*a], g[3*a+1], g[3*a+2]
				r[a] = [4]float32{g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2}
			}
			base := oc*so + cc*sc
			for l := range 4 {
				g0, g1, g2 := r[0][l], r[1][l], r[2][l]
				u[l*n+base] = g0
				u[(4+l)*n+base] = (g0 + g1 + g2) / 2
				u[(8+l)*n+base] = (g0 - g1 + g2) / 2
				u[(12+l)*n+base] = g2
			}
		}
	}
}

// winoWeightGrad adds dg = Gᵀ dU G, the gradient of g through winoWeights,
// to gw [O, C, 3, 3], from du[ξ·O·C + o·so + c·sc].
func winoWeightGrad(gw []float32, du []float32, so, sc int, o, c int) {
	n := o * c
	for oc := 0; oc < o; oc++ {
		for cc := 0; cc < c; cc++ {
			base := oc*so + cc*sc
			// Gᵀ's rows (1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1) on the columns of each
			// row k of dU, then on the rows.
			var r [4][3]float32
			for k := range 4 {
				u0, u1, u2, u3 := du[4*k*n+base], du[(4*k+1)*n+base], du[(4*k+2)*n+base], du[(4*k+3)*n+base]
				r[k] = [3]float32{u0 + (u1+u2)/2, (u1 - u2) / 2, (u1+u2)/2 + u3}
			}
			g := gw[(oc*c+cc)*9 : (oc*c+cc)*9+9]
			for b := range 3 {
				g[b] += r[0][b] + (r[1][b]+r[2][b])/2
				g[3+b] += (r[1][b] - r[2][b]) / 2
				g[6+b] += (r[1][b]+r[2][b])/2 + r[3][b]
			}
		}
	}
}
