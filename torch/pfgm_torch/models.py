"""The networks of pfgm's nn package, layer for layer and under the same
parameter names (PyTorch layouts: Linear [out, in], Conv2d [out, in, k, k]).

MLP is nn.MLP (MLP-toy), UNet is nn.UNet for any list of channels, Precond is
nn.Precond (EDM preconditioning, DESIGN §3.6). A state_dict of MLP or UNet has
exactly the names pfgm saves under "param." in its safetensors files.
"""
import math

import torch
import torch.nn as tnn
import torch.nn.functional as F

POS_EMB_WIDTH = 32  # width of the U-Net's sinusoidal embedding (nn.posEmbWidth)


def posemb(c_noise, ch):
    """EDM PositionalEmbedding(num_channels=ch, endpoint=True): cos then sin
    of c·f_i with f_i = (1/10000)^(i/(ch/2−1)), the exponent in float32."""
    half = ch // 2
    freqs = torch.arange(half, dtype=torch.float32) / (half - 1)
    freqs = (1.0 / 10000) ** freqs
    x = c_noise[:, None] * freqs[None, :].to(c_noise.device)
    return torch.cat([x.cos(), x.sin()], dim=1)


class MLP(tnn.Module):
    """MLP-toy: silu(inx(x) + ine(posemb(c_noise)) [+ cls(onehot)]) → two
    hidden SiLU layers → out (nn.MLP)."""

    def __init__(self, n, width=256, emb=32, out=0, classes=0):
        super().__init__()
        if n < 1 or emb < 4 or emb % 2:
            raise ValueError(f"MLP: bad config n={n} emb={emb}")
        self.emb, self.classes = emb, classes
        self.inx = tnn.Linear(n, width)
        self.ine = tnn.Linear(emb, width)
        self.h1 = tnn.Linear(width, width)
        self.h2 = tnn.Linear(width, width)
        self.out = tnn.Linear(width, out or n)
        if classes > 0:
            self.cls = tnn.Linear(classes, width)

    def forward(self, x, c_noise, onehot=None):
        pre = self.inx(x) + self.ine(posemb(c_noise, self.emb))
        if self.classes > 0:
            if onehot is None:
                raise ValueError("a class-conditional MLP needs labels")
            pre = pre + self.cls(onehot)
        h = F.silu(pre)
        h = F.silu(self.h1(h))
        h = F.silu(self.h2(h))
        return self.out(h)


def group_norm(c):
    """torch GroupNorm(min(32, C/4), C, eps=1e-5), as nn.NewGroupNorm."""
    g = min(32, c // 4)
    if g < 1 or c % g:
        raise ValueError(f"GroupNorm: {c} channels do not split into min(32, C/4) = {g} groups")
    return tnn.GroupNorm(g, c, eps=1e-5)


class ResBlock(tnn.Module):
    """nn.ResBlock: (c2(silu(n2(c1(silu(n1(x))) + e(emb)))) + skip(x))·√½."""

    def __init__(self, cin, cout, emb):
        super().__init__()
        self.n1, self.c1 = group_norm(cin), tnn.Conv2d(cin, cout, 3, padding=1)
        self.e = tnn.Linear(emb, cout)
        self.n2, self.c2 = group_norm(cout), tnn.Conv2d(cout, cout, 3, padding=1)
        self.skip = tnn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb):
        h = self.c1(F.silu(self.n1(x))) + self.e(emb)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        sk = x if self.skip is None else self.skip(x)
        return (h + sk) * math.sqrt(0.5)


class Attn(tnn.Module):
    """nn.Attn: single-head softmax attention over positions, residual, ·√½."""

    def __init__(self, c):
        super().__init__()
        self.n, self.qkv, self.proj = group_norm(c), tnn.Conv2d(c, 3 * c, 1), tnn.Conv2d(c, c, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.n(x)).reshape(b, 3, c, h * w).unbind(1)
        a = torch.softmax(torch.einsum('bci,bcj->bij', q, k) / math.sqrt(c), dim=2)
        o = torch.einsum('bij,bcj->bci', a, v).reshape(b, c, h, w)
        return (x + self.proj(o)) * math.sqrt(0.5)


class UNet(tnn.Module):
    """nn.UNet: per level `res_blocks` ResBlocks (enc<l>.<i>), average-pool
    down, attention at the coarsest level (att<L−1>) and between the middle
    ResBlocks (mid1, matt, mid2), a mirrored decoder (dec<l>.<i>, coarsest
    first) with nearest up-sampling and one skip per level, then nout, cout."""

    def __init__(self, c, h, w, channels=(32, 64, 64), res_blocks=2, attn_at_lowest=True, emb=128, classes=0):
        super().__init__()
        lv = len(channels)
        if c < 1 or lv < 1 or res_blocks < 1 or emb < 1:
            raise ValueError("UNet: need C ≥ 1, channels, res_blocks ≥ 1 and emb ≥ 1")
        f = 1 << (lv - 1)
        if h < f or w < f or h % f or w % f:
            raise ValueError(f"UNet: {h}×{w} input does not halve {lv - 1} times")
        self.levels, self.classes = lv, classes
        self.e1, self.e2 = tnn.Linear(POS_EMB_WIDTH, emb), tnn.Linear(emb, emb)
        if classes > 0:
            self.cls = tnn.Linear(classes, emb)
        self.cin = tnn.Conv2d(c, channels[0], 3, padding=1)
        cur = channels[0]
        for l in range(lv):
            blocks = []
            for _ in range(res_blocks):
                blocks.append(ResBlock(cur, channels[l], emb))
                cur = channels[l]
            setattr(self, f'enc{l}', tnn.ModuleList(blocks))
        self.att_name = f'att{lv - 1}' if attn_at_lowest else None
        if attn_at_lowest:
            setattr(self, self.att_name, Attn(cur))
        self.mid1 = ResBlock(cur, cur, emb)
        self.matt = Attn(cur) if attn_at_lowest else None
        self.mid2 = ResBlock(cur, cur, emb)
        for l in range(lv - 1, -1, -1):
            blocks = []
            for i in range(res_blocks):
                blocks.append(ResBlock(cur + (channels[l] if i == 0 else 0), channels[l], emb))
                cur = channels[l]
            setattr(self, f'dec{l}', tnn.ModuleList(blocks))
        self.nout, self.cout = group_norm(cur), tnn.Conv2d(cur, c, 3, padding=1)

    def forward(self, x, c_noise, onehot=None):
        emb = self.e2(F.silu(self.e1(posemb(c_noise, POS_EMB_WIDTH))))
        if self.classes > 0:
            if onehot is None:
                raise ValueError("a class-conditional U-Net needs labels")
            emb = emb + self.cls(onehot)
        h = self.cin(x)
        skips = []
        for l in range(self.levels):
            for b in getattr(self, f'enc{l}'):
                h = b(h, emb)
            if l == self.levels - 1 and self.att_name:
                h = getattr(self, self.att_name)(h)
            skips.append(h)
            if l < self.levels - 1:
                h = F.avg_pool2d(h, 2)
        h = self.mid1(h, emb)
        if self.matt is not None:
            h = self.matt(h)
        h = self.mid2(h, emb)
        for l in range(self.levels - 1, -1, -1):
            if l < self.levels - 1:
                h = F.interpolate(h, scale_factor=2, mode='nearest')
            h = torch.cat([h, skips[l]], 1)
            for b in getattr(self, f'dec{l}'):
                h = b(h, emb)
        return self.cout(F.silu(self.nout(h)))


def precond_coeffs(sigma, sigma_data):
    """EDM's c_skip, c_out, c_in at noise level sigma (nn.PrecondCoeffs)."""
    q = sigma * sigma + sigma_data * sigma_data
    return sigma_data * sigma_data / q, sigma * sigma_data / q.sqrt(), 1 / q.sqrt()


class Precond(tnn.Module):
    """D(x, σ) = c_skip·x + c_out·F(c_in·x, ln σ / 4) (nn.Precond). The
    coefficients are computed in float64 from σ and rounded to float32, as
    pfgm does; the network is registered as "net" (names "net.<param>")."""

    def __init__(self, net, sigma_data=0.5):
        super().__init__()
        self.net, self.sd = net, sigma_data

    def forward(self, x, sigma, onehot=None):
        s = sigma.double()
        c_skip, c_out, c_in = precond_coeffs(s, self.sd)
        shape = (-1,) + (1,) * (x.dim() - 1)
        c_skip, c_out, c_in = (c.float().reshape(shape) for c in (c_skip, c_out, c_in))
        c_noise = (s.log() / 4).float()
        f = self.net(x * c_in, c_noise, onehot)
        return x * c_skip + f * c_out
