// Package gemm is the project's single-precision matrix multiply: the hot loop
// under the exact field, linear layers and convolutions.
//
// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices. The
// rest of the project calls only Sgemm; how it is made fast (packing, register
// blocking, assembly micro-kernels, goroutines) stays inside this package.
package gemm

//go:generate go run gen_kernels.go
