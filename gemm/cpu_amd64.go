//go:build amd64 && !noasm

package gemm

// The feature checks use CPUID directly rather than golang.org/x/sys/cpu:
// the module's go.mod says "go 1.26" while x/sys v0.50.0 needs 1.26.0, so
// importing it would force a go.mod change this package does not own.

func cpuid(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() (eax, edx uint32)

// cpuFeatures reports whether the CPU and OS support the AVX2+FMA kernel
// and the AVX-512 (F+BW) kernel. The OS must save the YMM (and for AVX-512
// the opmask and ZMM) register state, which XCR0 tells.
func cpuFeatures() (avx2, avx512 bool) {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false, false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const (
		fma     = 1 << 12
		osxsave = 1 << 27
		avx     = 1 << 28
	)
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false, false
	}
	xcr0, _ := xgetbv0()
	const (
		ymmState = 0x6  // SSE and AVX state
		zmmState = 0xe0 // opmask, ZMM0-15 upper halves, ZMM16-31
	)
	if xcr0&ymmState != ymmState {
		return false, false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const (
		avx2Bit     = 1 << 5
		avx512F     = 1 << 16
		avx512BWBit = 1 << 30
	)
	avx2 = ebx7&avx2Bit != 0
	avx512 = avx2 && ebx7&(avx512F|avx512BWBit) == avx512F|avx512BWBit && xcr0&zmmState == zmmState
	return avx2, avx512
}
