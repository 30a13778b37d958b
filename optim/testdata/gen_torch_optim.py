"""Writes torch_optim.safetensors: reference trajectories of PyTorch 1.13's
torch.optim.Adam / AdamW and clip_grad_norm_ for optim's cross-check tests.

    /usr/bin/python3 gen_torch_optim.py   (needs python3-torch)

Two parameters, 'a' [5, 7] and 'b' [19] (odd sizes exercise ATen's
vectorised bodies and scalar tails), start at p0.<name>; step k (1..STEPS)
uses gradient g<k>.<name> and learning rate lr[k-1]. After step k the
parameters are <variant>.p<k>.<name>; the final moments are
<variant>.m.<name> and <variant>.v.<name>. clip.* holds a gradient before
and after clip_grad_norm_(max_norm=1) and the returned norm.
"""
import json
import numpy as np
import torch

STEPS = 6
VARIANTS = {  # name: (class, weight_decay)
    'adam': (torch.optim.Adam, 0.0),
    'adam_l2': (torch.optim.Adam, 0.1),
    'adamw': (torch.optim.AdamW, 0.05),
}
LR = [1e-3 * (k + 1) / 3 if k < 2 else 1e-3 for k in range(STEPS)]  # a warm-up


def save_safetensors(path, tensors):
    # Same writer as ../../../shared/peer/torch_ref.py.
    header, blobs, off = {}, [], 0
    for k in sorted(tensors):
        a = np.ascontiguousarray(tensors[k].detach().cpu().numpy().astype('<f4'))
        b = a.tobytes()
        header[k] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(len(h).to_bytes(8, 'little')); f.write(h)
        for b in blobs: f.write(b)


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(2024)
    shapes = {'a': (5, 7), 'b': (19,)}
    out = {}
    p0 = {n: torch.randn(s, generator=g) for n, s in shapes.items()}
    grads = []
    for k in range(STEPS):
        # Gradients of mixed scale, with a few exact zeros.
        gk = {n: torch.randn(s, generator=g) * (10.0 ** (k % 3 - 1)) for n, s in shapes.items()}
        gk['b'][3] = 0.0
        grads.append(gk)
    for n in shapes:
        out['p0.' + n] = p0[n]
        for k in range(STEPS):
            out['g%d.%s' % (k + 1, n)] = grads[k][n]
    for name, (cls, wd) in VARIANTS.items():
        params = {n: torch.nn.Parameter(p0[n].clone()) for n in shapes}
        opt = cls(list(params.values()), lr=LR[0], betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
        for k in range(STEPS):
            for pg in opt.param_groups:
                pg['lr'] = LR[k]
            for n, p in params.items():
                p.grad = grads[k][n].clone()
            opt.step()
            for n, p in params.items():
                out['%s.p%d.%s' % (name, k + 1, n)] = p.detach().clone()
        for n, p in params.items():
            st = opt.state[p]
            out['%s.m.%s' % (name, n)] = st['exp_avg']
            out['%s.v.%s' % (name, n)] = st['exp_avg_sq']
    params = {n: torch.nn.Parameter(p0[n].clone()) for n in shapes}
    for n, p in params.items():
        p.grad = grads[0][n].clone() * 3
        out['clip.before.' + n] = p.grad.clone()
    norm = torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm=1.0)
    for n, p in params.items():
        out['clip.after.' + n] = p.grad.clone()
    out['clip.norm'] = norm.reshape(1)
    save_safetensors('torch_optim.safetensors', out)
    print(json.dumps({'tensors': len(out), 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
