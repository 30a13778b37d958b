// Package ag is pfgm's small neural-network engine: float32 tensors,
// tape-based reverse-mode automatic differentiation and the ops the
// reference models need — MatMul, Linear, stride-1 convolution (3×3 and
// 1×1, with fused bias and per-sample bias), GroupNorm (optionally fused
// with SiLU), SiLU, broadcast Add/Mul, Scale, AddScale, AvgPool2,
// Upsample2, Concat, softmax attention, the sinusoidal positional
// embedding, WeightedMSE, Sum and Dot.
//
// A Tape records the ops of one forward pass; Backward replays them in
// reverse. Tensors produced by a tape live in the tape's arena and are
// recycled by Reset, so a training loop that runs the same graph each step
// allocates nothing itself once warm. Tensors returned by a tape are
// therefore only valid until the next Reset. NewInferenceTape gives a tape
// that records nothing, for sampling.
//
// Layouts follow PyTorch: images are NCHW, Linear weights are [out, in],
// convolution weights are [out, in, kh, kw], so PyTorch state dicts load
// as they are.
//
// Threads and determinism: a tape's ops use up to Tape.SetWorkers
// goroutines (default GOMAXPROCS), and their results are bit-identical for
// every worker count: work is cut by the shapes alone and reduced in a
// fixed order, the workers only choose which pieces they compute.
//
// Speed: products go to gemm.SgemmThreads (gemm.SgemmBF16Threads on a tape
// set to BF16 precision, Tape.SetPrecision), counted in Tape.GEMMFlops (what
// ran) and Tape.ModelFlops (convolutions counted as the direct algorithm).
// A 3×3 convolution with padding 1 on 7- to 32-wide maps with at least 8
// channels runs as Winograd F(2×2, 3×3) (winograd.go: 16 products of the
// transformed weights and input tiles, 2.25× fewer multiplications); other
// convolutions, and all of them at BF16 precision, run as im2col + GEMM on
// groups of images spread over the tape's workers, with the column matrix
// built in L2-sized channel blocks and the input gradient computed as a
// convolution with the flipped kernel. The transforms, GroupNorm+SiLU,
// AddScale, pooling, up-sampling, softmax and the 3×3 im2col have AVX-512
// kernels with portable Go fallbacks that the tests compare them against.
package ag
