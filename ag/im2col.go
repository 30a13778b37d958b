package ag

// im2col writes the k·k shifted copies of one image x [C,H,W] as rows
// (c, ky, kx) of col, each ho·wo long with row stride ld, zero outside the
// image.
func im2col(col []float32, ld int, x []float32, g *convShape) {
	k, pad, h, w, ho, wo := g.k, g.pad, g.h, g.w, g.ho, g.wo
	for c := 0; c < g.c; c++ {
		xc := x[c*h*w : (c+1)*h*w]
		for ky := 0; ky < k; ky++ {
			for kx := 0; kx < k; kx++ {
				row := col[((c*k+ky)*k+kx)*ld:]
				lo, hi := max(0, pad-kx), min(wo, w+pad-kx)
				for oy := 0; oy < ho; oy++ {
					dst := row[oy*wo : (oy+1)*wo]
					iy := oy + ky - pad
					if iy < 0 || iy >= h || lo >= hi {
						clear(dst)
						continue
					}
					clear(dst[:lo])
					src := xc[iy*w+lo+kx-pad : iy*w+hi+kx-pad]
					copy(dst[lo:hi], src)
					clear(dst[hi:])
				}
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
