//go:build amd64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

// cpuFeatures reports whether the CPU and OS support the AVX2+FMA kernel
// and the AVX-512 (F+BW) kernel; x/sys/cpu also checks that the OS saves
// the YMM/ZMM and opmask state.
func cpuFeatures() (avx2, avx512 bool) {
	avx2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	avx512 = avx2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW
	return avx2, avx512
}
