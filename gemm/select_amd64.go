//go:build amd64 && !noasm

package gemm

// asmKernel is the Go signature of every generated assembly tile routine:
// it computes rows (fixed per routine) × nr of C from packed panels a and b.
// mask points at one 16-bit lane mask per 16 columns (AVX-512 only).
type asmKernel func(k int, a, b, c *float32, ldb, ldc int, alpha, beta float32, mask *uint16)

var (
	avx512Kernel = &kernel{
		name: "avx512",
		mr:   14, nr: 32,
		kc: 512, mc: 112, nc: 4096, directRows: 64,
		tile: avx512Tile14x32,
	}
	avx2Kernel = &kernel{
		name: "avx2",
		mr:   6, nr: 16,
		kc: 256, mc: 144, nc: 4096, directRows: 24,
		tile: avx2Tile6x16,
	}
)

// allKernels lists every kernel built into this binary, best first, with
// whether the CPU can run it.
func allKernels() []kernelAvail {
	avx2, avx512 := cpuFeatures()
	return []kernelAvail{
		{avx512Kernel, avx512},
		{avx2Kernel, avx2},
		{genericKernel, true},
	}
}

func avx512Tile14x32(kc int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	_ = a[14*kc-1]
	_ = b[(kc-1)*ldb+31]
	_ = c[(rows-1)*ldc+cols-1]
	avx512Kernels14x32[rows](kc, &a[0], &b[0], &c[0], ldb, ldc, alpha, beta, &tileMasks[cols][0])
}

// tileMasks[w] holds the two 16-lane store masks of a tile w columns wide.
// It is read-only: a mask built per call escapes through the indirect
// kernel call and cost one allocation per tile.
var tileMasks = func() (m [33][2]uint16) {
	for w := range m {
		m[w] = [2]uint16{laneMask(w), laneMask(w - 16)}
	}
	return m
}()

// laneMask returns a 16-lane mask with the low w lanes set.
func laneMask(w int) uint16 {
	switch {
	case w >= 16:
		return 0xffff
	case w <= 0:
		return 0
	}
	return 1<<w - 1
}

func avx2Tile6x16(kc int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	_ = a[6*kc-1]
	_ = b[(kc-1)*ldb+15]
	_ = c[(rows-1)*ldc+cols-1]
	if cols == 16 {
		avx2Kernels6x16[rows](kc, &a[0], &b[0], &c[0], ldb, ldc, alpha, beta, nil)
		return
	}
	// The AVX2 kernel stores whole rows, so a right-edge tile goes through
	// a buffer and only its first cols columns are merged into C.
	var tmp [6 * 16]float32
	avx2Kernels6x16[rows](kc, &a[0], &b[0], &tmp[0], ldb, 16, 1, 0, nil)
	storeTile(tmp[:], 16, rows, c, ldc, alpha, beta, cols)
}
