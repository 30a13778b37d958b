package gemm

// tileFunc computes one register tile: C[0:rows, 0:cols] = alpha·Ã·B̃ + beta·C,
// where Ã is a packed A panel (kc steps of mr floats) and B̃ a packed B panel
// (kc steps of nr floats, ldb floats apart: nr when packed, zero beyond cols;
// B's own row stride when the kernel reads B in place). c starts at the tile's top-left
// element and ldc is its row stride. rows ≤ mr and cols ≤ nr; kc ≥ 1.
// When beta is 0, C is only written.
type tileFunc func(kc int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int)

// kernel is one implementation of the inner GEMM: a register tile shape, the
// cache blocking tuned for it, and the tile routine itself.
type kernel struct {
	name   string
	mr, nr int // register tile: rows of A per panel, columns of B per panel
	// kc×nr floats of B̃ should stay in L1 while A panels stream past;
	// mc×kc of Ã should stay in L2; kc×nc of B̃ is the outer (L3) block.
	kc, mc, nc int
	// directRows: when a worker's rows fit in this many, untransposed B is
	// read in place instead of packed. With so few A panels per B panel,
	// packing would cost more memory traffic than it saves.
	directRows int
	// pairs marks the bfloat16 kernel, whose panels hold pairs of k steps
	// rounded to bfloat16 (packAPairs, packBPairs).
	pairs bool
	tile  tileFunc
}

// genericKernel is the portable pure-Go kernel, used where no assembly
// kernel applies (other GOARCH, -tags noasm, or CPUs without AVX2/FMA).
var genericKernel = &kernel{
	name: "generic",
	mr:   4, nr: 4,
	kc: 256, mc: 128, nc: 2048, directRows: 16,
	tile: genericTile,
}

// kernelAvail pairs a kernel with whether this CPU can run it.
type kernelAvail struct {
	k  *kernel
	ok bool
}

// bestKernel is fixed at start-up from the CPU's features.
var bestKernel = availableKernels()[0]

// availableKernels lists every kernel this CPU can run, best first (the
// generic kernel, last, runs everywhere).
func availableKernels() []*kernel {
	var ks []*kernel
	for _, ka := range allKernels() {
		if ka.ok {
			ks = append(ks, ka.k)
		}
	}
	return ks
}
