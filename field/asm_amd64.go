//go:build amd64 && !noasm

package field

// Declarations of the AVX-512 kernels (scan_amd64.s, fastmath_amd64.s) and
// the CPU features that enable them.

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

// useAsmMath: the vector exp and log also convert between float64 and
// int64 lanes, which is AVX-512DQ.
var useAsmMath = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

// expAsm is expInPlace's fast path over v[:n], n a multiple of 8; it stops
// before the first vector with an argument it does not take and returns
// how many elements it did.
//
//go:noescape
func expAsm(v *float64, n int) int

// logWeightsAsm sets d[i] = negA·fastLog(d[i]+r2) over d[:n], n a multiple
// of 8, stopping like expAsm before a sum that is not a positive normal.
//
//go:noescape
func logWeightsAsm(d *float64, n int, negA, r2 float64) int
