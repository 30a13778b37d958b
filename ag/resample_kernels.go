package ag

// Loops of nearest-neighbour 2× up-sampling and its gradient.

// upsamplePlanes writes planes h×w planes of src, each up-sampled to
// 2h×2w, into dst.
func upsamplePlanes(dst, src []float32, planes, h, w int) {
	for p := 0; p < planes; p++ {
		s := src[p*h*w : (p+1)*h*w]
		d := dst[p*4*h*w : (p+1)*4*h*w]
		for i := 0; i < h; i++ {
			sr := s[i*w : (i+1)*w]
			r0 := d[2*i*2*w : (2*i+1)*2*w]
			for j, v := range sr {
				r0[2*j] = v
				r0[2*j+1] = v
			}
			copy(d[(2*i+1)*2*w:(2*i+2)*2*w], r0)
		}
	}
}

// downsumPlanes writes (ow) or adds into dx's planes h×w planes the sums
// of g's 2×2 windows: the gradient of upsamplePlanes.
func downsumPlanes(dx, g []float32, planes, h, w int, ow bool) {
	for p := 0; p < planes; p++ {
		d := dx[p*h*w : (p+1)*h*w]
		gp := g[p*4*h*w : (p+1)*4*h*w]
		for i := 0; i < h; i++ {
			r0, r1 := gp[2*i*2*w:(2*i+1)*2*w], gp[(2*i+1)*2*w:(2*i+2)*2*w]
			dr := d[i*w : (i+1)*w]
			if ow {
				for j := range dr {
					dr[j] = r0[2*j] + r0[2*j+1] + r1[2*j] + r1[2*j+1]
				}
				continue
			}
			for j := range dr {
				dr[j] += r0[2*j] + r0[2*j+1] + r1[2*j] + r1[2*j+1]
			}
		}
	}
}
