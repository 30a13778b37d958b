//go:build !amd64 || noasm

package gemm

// bestKernel is the portable kernel: this build has no assembly.
var bestKernel = genericKernel

func availableKernels() []*kernel { return []*kernel{genericKernel} }

func allKernels() []kernelAvail { return []kernelAvail{{genericKernel, true}} }
