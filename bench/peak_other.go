//go:build !amd64 || noasm

package bench

func fmaKernel() (isa string, loop func(int), flopsPerIter float64) {
	return "go", func(n int) { goFMALoop(n) }, 8 * 2
}

func bf16Kernel() (loop func(int), flopsPerIter float64) { return nil, 0 }
