//go:build amd64 && !noasm

package field

import "golang.org/x/sys/cpu"

// useAsmScan: the AVX-512 scan needs only AVX-512F (x/sys/cpu also checks
// that the OS saves the ZMM and opmask state).
var useAsmScan = cpu.X86.HasAVX512F

// minPlusAsm is minPlus over n elements, n a positive multiple of 16.
//
//go:noescape
func minPlusAsm(a, b *float32, n int) float32

// selectLEAsm is selectLE over n elements, n a positive multiple of 16,
// with room for limit+16 indices at idx; it returns −1 if the count would
// exceed limit.
//
//go:noescape
func selectLEAsm(a, b *float32, n int, thr float32, base int32, idx *int32, limit int) int
