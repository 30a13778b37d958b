// Package gemm is the project's single-precision matrix multiply: the hot loop
// under the exact field, linear layers and convolutions.
//
// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices;
// PackB and SgemmPacked do the same with op(B) packed once and reused. How
// they are made fast (packing, register blocking, assembly micro-kernels,
// goroutines) stays inside this package.
//
// Layout of the implementation:
//   - gemm.go: argument checks, the serial/parallel decision and the split of
//     C into per-goroutine row or column ranges.
//   - block.go: the cache-blocked loop nest (nc, kc, mc blocks) of one worker.
//   - pack.go, interleave.go: copying op(A) and op(B) into kernel-ordered panels;
//     transpose_amd64.go: the transposing copies as 16×16 AVX-512 register
//     transposes (transpose16AVX512, generated with the kernels).
//   - packed.go: PackB and SgemmPacked, for callers that multiply many A by
//     one B and would otherwise repack B on every call.
//   - kernels_amd64.s: generated register-tile kernels (AVX-512 14×32 with
//     lane-masked edges and software prefetch of the next A and B lines,
//     AVX2+FMA 6×16), one routine per row count so ragged bottom tiles cost
//     only their rows; gen_kernels.go regenerates them.
//   - kernel_generic.go: the portable 4×4 kernel for other GOARCH or -tags noasm.
//   - dot.go: the dot-product form of C = alpha·A·Bᵀ + beta·C, which reads
//     both operands in place (no packing) and wins when m or n is small,
//     such as the Winograd and im2col weight gradients; dot_amd64.s holds its
//     AVX-512 4-row blocks (gen_dot.go regenerates them), dotBlockGo is its
//     Go specification. gemm.go routes such products to it (dotPicks).
//
// The kernel is chosen once at start-up from CPUID (AVX-512F+BW, else
// AVX2+FMA, else generic).
package gemm

//go:generate go run gen_kernels.go
//go:generate go run gen_dot.go
