// Package bench times the engine on the workloads of the PyTorch peer
// (../shared/peer/torch_ref.py): an fp32 GEMM, one PFGM++ training step of
// MLP-toy or UNet-mnist, and one no-grad U-Net forward pass as a sampler
// makes it. Each workload does the same work as the peer's so that the two
// medians, measured on the same machine in the same session, compare as a
// ratio.
//
// Run builds a workload, warms it up, times its repetitions and reports
// the median, the minimum and the process's peak resident set size.
package bench
