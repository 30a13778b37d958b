//go:build !amd64 || noasm

package gemm

// allKernels lists the portable kernel alone: this build has no assembly.
func allKernels() []kernelAvail { return []kernelAvail{{genericKernel, true}} }
