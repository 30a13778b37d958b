"""The PFGM++ training draw (DESIGN §3.6, train/objective.go), per example:

    ln σ ~ N(P_mean, P_std²)
    finite D: R = σ√D·√(G₁/G₂), G₁ ~ Gamma(N/2), G₂ ~ Gamma(D/2)
              (B/(1−B) for B = G₁/(G₁+G₂) ~ Beta(N/2, D/2), never forming
              1 − B), n = R·g/‖g‖ with g ~ N(0, I_N)
    D = ∞:    n = σ·ε, ε ~ N(0, I_N)
    λ(σ) = (σ² + σ_d²)/(σ·σ_d)²

exactly as process.Noise draws it, in float64, rounded to float32 where pfgm
rounds. Like pfgm's trainer, the twin does not clip B: the PFGM++ reference
code clips B/(1−B) to the images of [1e−3, 1 − 1e−3] during training, which
for large N/D caps every draw and so trains on another kernel than the one
the prior and the sampler assume (docs/STUDIES.md).

The variates come from numpy's PCG64 stream keyed by (seed, shard, first
step): the twin cannot continue pfgm's Go stream, and does not need to, since
the draws only have to have the right law.
"""
import math

import numpy as np

CLIP_LO, CLIP_HI = 1e-3, 1 - 1e-3  # process.clipLo, clipHi: the reference's clip, off by default


class Stream:
    """One shard's data and noise: batches of `batch` examples of `data`
    (float32 rows), drawn uniformly with replacement, and their perturbation."""

    def __init__(self, seed, shard, first_step, data, labels, cfg, batch):
        self.rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, shard, first_step])))
        self.data, self.labels, self.cfg, self.batch = data, labels, cfg, batch

    def draw(self):
        """Returns y [b, dim] f32, x = y + n f32, σ f32 [b], λ(σ) f32 [b],
        labels [b] (or None)."""
        c, rng, b = self.cfg, self.rng, self.batch
        idx = rng.integers(len(self.data), size=b)
        y = self.data[idx]
        sigma = np.exp(c.p_mean + c.p_std * rng.standard_normal(b))
        noise = perturbation(rng, sigma, y.shape[1], c.D)
        sd = c.sigma_data
        w = ((sigma * sigma + sd * sd) / ((sigma * sd) * (sigma * sd))).astype(np.float32)
        labels = None if self.labels is None else self.labels[idx]
        return y, y + noise, sigma.astype(np.float32), w, labels


def perturbation(rng, sigma, n, D, clip=False):
    """len(sigma) perturbation vectors of n numbers (float32), process.Noise."""
    b = len(sigma)
    if math.isinf(D):
        return (sigma[:, None] * rng.standard_normal((b, n))).astype(np.float32)
    ratio = rng.standard_gamma(n / 2, size=b) / rng.standard_gamma(D / 2, size=b)
    if clip:
        ratio = np.clip(ratio, CLIP_LO / (1 - CLIP_LO), CLIP_HI / (1 - CLIP_HI))
    radius = sigma * math.sqrt(D) * np.sqrt(ratio)
    g = rng.standard_normal((b, n))
    ss = (g * g).sum(1)
    ss[ss == 0] = 1
    # process.OnSphere: g rounded to float32, then scaled in float64
    return (g.astype(np.float32).astype(np.float64) * (radius / np.sqrt(ss))[:, None]).astype(np.float32)
