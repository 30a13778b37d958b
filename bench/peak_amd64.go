//go:build amd64 && !noasm

package bench

import "golang.org/x/sys/cpu"

func fmaLoop512(n int)
func fmaLoop256(n int)
func bf16Loop512(n int)

// fmaKernel picks the widest FMA loop this CPU and OS run, and the
// floating-point operations one of its iterations does.
func fmaKernel() (isa string, loop func(int), flopsPerIter float64) {
	switch {
	case cpu.X86.HasAVX512F:
		return "avx512", fmaLoop512, 16 * 16 * 2
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return "avx2", fmaLoop256, 12 * 8 * 2
	}
	return "go", func(n int) { goFMALoop(n) }, 8 * 2
}

// bf16Kernel is the register-only VDPBF16PS loop and its floating-point
// operations an iteration, or nil where the CPU lacks AVX512_BF16.
func bf16Kernel() (loop func(int), flopsPerIter float64) {
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BF16 {
		return bf16Loop512, 28 * 16 * 2 * 2
	}
	return nil, 0
}
