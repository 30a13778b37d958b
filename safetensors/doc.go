// Package safetensors reads and writes tensors in the safetensors format
// (an 8-byte little-endian header length, a JSON header naming every tensor's
// dtype, shape and byte range, then the raw little-endian data), the format
// of pfgm's checkpoints and of the PyTorch cross-check fixtures.
//
// Tensors are float32 in memory. Files written here are F32; files read may
// also hold F64, F16 or BF16 tensors, which are converted to float32. Every
// field of a file that is read is checked, so a truncated or corrupt file
// gives an error naming the file and the tensor rather than a panic or
// silently wrong weights.
package safetensors
