// Package nn holds pfgm's reference networks on top of package ag: named
// parameters in PyTorch layouts, the MLP-toy and UNet-mnist models (layer
// for layer the twins of the PyTorch peer in shared/peer/torch_ref.py), EDM
// preconditioning, and an adaptor that lets a trained network serve as the
// samplers' Denoiser.
//
// Parameter names are the PyTorch state_dict keys (inx.weight,
// enc0.1.c2.bias, …; Precond adds the "net." prefix as the peer's Precond
// module does), so PyTorch checkpoints and the cross-check fixtures load
// directly.
package nn
