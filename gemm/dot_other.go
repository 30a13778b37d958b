//go:build !amd64 || noasm

package gemm

// dotAsm: this build has no dot assembly, so Sgemm keeps NT products on the
// blocked kernels (dotBlockGo is slower than they are).
func dotAsm() dotBlockFunc { return nil }
