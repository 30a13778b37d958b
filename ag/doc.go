// Package ag is pfgm's small neural-network engine: float32 tensors,
// tape-based reverse-mode automatic differentiation and the ops the
// reference models need (matmul, linear, 3×3/1×1 convolution, GroupNorm,
// SiLU, broadcast arithmetic, pooling, up-sampling, concat, softmax
// attention, positional embedding, weighted MSE).
//
// A Tape records the ops of one forward pass; Backward replays them in
// reverse. Tensors produced by a tape live in the tape's arena and are
// recycled by Reset, so a training loop that runs the same graph each step
// allocates nothing once warm. Tensors returned by a tape are therefore only
// valid until the next Reset.
//
// Layouts follow PyTorch: images are NCHW, Linear weights are [out, in],
// convolution weights are [out, in, kh, kw], so PyTorch state dicts load
// as they are.
package ag
