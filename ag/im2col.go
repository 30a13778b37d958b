package ag

// im2col writes the k·k shifted copies of channels c0..c1-1 of one image
// x [C,H,W] as rows (c−c0, ky, kx) of col, each ho·wo long with row stride
// ld, zero outside the image.
func im2col(col []float32, ld int, x []float32, g *convShape, c0, c1 int) {
	im2colWith(useAVX512, col, ld, x, g, c0, c1)
}

// im2colWith is im2col with the choice of the vector 3×3 path as a
// parameter, so tests can compare both paths.
func im2colWith(vec bool, col []float32, ld int, x []float32, g *convShape, c0, c1 int) {
	if g.k == 3 && g.pad == 1 {
		im2col3(vec, col, ld, x, g, c0, c1)
		return
	}
	k, pad, h, w, ho, wo := g.k, g.pad, g.h, g.w, g.ho, g.wo
	for c := c0; c < c1; c++ {
		xc := x[c*h*w : (c+1)*h*w]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := col[(((c-c0)*k+ky)*k+kx)*ld:]
				lo, hi := max(0, pad-kx), min(wo, w+pad-kx)
				for oy := 0; oy < ho; oy++ {
					dst := row[oy*wo : (oy+1)*wo]
					iy := oy + ky - pad
					if iy < 0 || iy >= h || lo >= hi {
						clear(dst)
						continue
					}
					clear(dst[:lo])
					copy(dst[lo:hi], xc[iy*w+lo+kx-pad:iy*w+hi+kx-pad])
					clear(dst[hi:])
				}
			}
		}
	}
}

// im2col3 is im2col for the 3×3, pad-1 case: each source row is read once
// for its three horizontal shifts.
func im2col3(vec bool, col []float32, ld int, x []float32, g *convShape, c0, c1 int) {
	h, w := g.h, g.w
	n := g.ho * w
	var masks [6]uint16
	vec = vec && w <= 32 && w >= 2
	if vec {
		masks = im2col3Masks(w)
	}
	for c := c0; c < c1; c++ {
		xc := x[c*h*w : (c+1)*h*w]
		for ky := 0; ky < 3; ky++ {
			base := ((c-c0)*3 + ky) * 3 * ld
			r0, r1, r2 := col[base:base+n], col[base+ld:base+ld+n], col[base+2*ld:base+2*ld+n]
			if vec {
				im2col3RowsAVX512(&r0[0], &r1[0], &r2[0], &xc[0], h, w, ky, &masks)
				continue
			}
			for oy := 0; oy < g.ho; oy++ {
				o := oy * w
				d0, d1, d2 := r0[o:o+w], r1[o:o+w], r2[o:o+w]
				iy := oy + ky - 1
				if iy < 0 || iy >= h {
					clear(d0)
					clear(d1)
					clear(d2)
					continue
				}
				src := xc[iy*w : (iy+1)*w]
				if w < 16 {
					// Short rows: a loop beats three memmove calls.
					d0[0] = 0
					for i := 1; i < w; i++ {
						d0[i] = src[i-1]
					}
					for i, v := range src {
						d1[i] = v
					}
					for i := 0; i < w-1; i++ {
						d2[i] = src[i+1]
					}
					d2[w-1] = 0
					continue
				}
				d0[0] = 0
				copy(d0[1:], src[:w-1])
				copy(d1, src)
				copy(d2[:w-1], src[1:])
				d2[w-1] = 0
			}
		}
	}
}

// col2im adds the column-matrix gradient dcol (rows (c, ky, kx), stride
// ld) back into the image gradient dx [C,H,W]; it is im2col's adjoint.
func col2im(dx []float32, dcol []float32, ld int, g *convShape) {
	k, pad, h, w, ho, wo := g.k, g.pad, g.h, g.w, g.ho, g.wo
	for c := 0; c < g.c; c++ {
		dxc := dx[c*h*w : (c+1)*h*w]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := dcol[((c*k+ky)*k+kx)*ld:]
				lo, hi := max(0, pad-kx), min(wo, w+pad-kx)
				if lo >= hi {
					continue
				}
				for oy := 0; oy < ho; oy++ {
					iy := oy + ky - pad
					if iy < 0 || iy >= h {
						continue
					}
					src := row[oy*wo+lo : oy*wo+hi]
					dst := dxc[iy*w+lo+kx-pad : iy*w+hi+kx-pad]
					for i, v := range src {
						dst[i] += v
					}
				}
			}
		}
	}
}

// im2col3Masks returns, for the two 16-lane chunks of a row of width w,
// the store mask and the load masks of the right- and left-shifted copies.
func im2col3Masks(w int) [6]uint16 {
	var m [6]uint16
	for c := 0; c < 2; c++ {
		s := 16 * c
		n := min(16, w-s)
		if n <= 0 {
			continue
		}
		full := uint16(1<<n - 1)
		m[3*c] = full
		m[3*c+1] = full
		if s == 0 {
			m[3*c+1] = full &^ 1 // r0's lane 0 is the left padding
		}
		if k := w - s - 1; k < 16 {
			m[3*c+2] = full & uint16(1<<max(k, 0)-1) // r2's last lane is the right padding
		} else {
			m[3*c+2] = full
		}
	}
	return m
}
