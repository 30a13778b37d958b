"""pfgm_torch: the PyTorch twin of pfgm's training side.

The same networks (MLP-toy and the configurable U-Net, parameter for
parameter and under the same names), EDM preconditioning, the PFGM++
perturbation for any D ≥ 1 and D = ∞, the weighted denoising loss, Adam with
pfgm's warm-up and clipping, and the EMA of the weights. It reads a pfgm run's
config.json and data, trains on one or many processes with
DistributedDataParallel, and writes a run directory (config.json,
ckpt-STEP.safetensors, model.safetensors, loss.csv) that pfgm samples,
evaluates and resumes as its own. See docs/SCALE.md.

Modules: models (networks, Precond), process (the perturbation kernel),
config (pfgm's config.json), data (pfgm's data sources), safetensors (the
file format with metadata), checkpoint (pfgm's run-directory layout), train
(the DDP training entry point: python -m pfgm_torch.train), forward (the
preconditioned denoiser on given weights, for the round-trip tests).
"""
