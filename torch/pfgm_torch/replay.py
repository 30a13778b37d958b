"""Replay given batches through the twin's training step:

    python3 -m pfgm_torch.replay --config RUN/config.json \\
        --weights W.safetensors --batches B.safetensors --out OUT.safetensors

W holds the starting weights ("param.<name>"; Adam starts at zero and the
EMA at the weights). B holds, for steps k = 0, 1, …, the batch "y.k", the
perturbed input "x.k", the noise levels "sigma.k" and the loss weights
"w.k". OUT gets the weights, Adam's moments and the EMA after the last step
under pfgm's checkpoint keys, and "loss" (one a step). pfgm's interop
tests replay the same batches through pfgm's trainer step and compare.
"""
import argparse

import numpy as np
import torch

from . import checkpoint as ck
from . import config as cfgmod
from . import safetensors as st
from .models import Precond
from .train import EMA, update, weighted_mse


def main(argv=None):
    ap = argparse.ArgumentParser(prog='python -m pfgm_torch.replay')
    for k in ('config', 'weights', 'batches', 'out'):
        ap.add_argument('--' + k, required=True)
    a = ap.parse_args(argv)
    cfg = cfgmod.load(a.config)
    net = ck.build_model(cfg)
    w, _ = st.read(a.weights)
    net.load_state_dict({n: torch.from_numpy(w['param.' + n].copy()) for n, _ in net.named_parameters()}, strict=True)
    b, _ = st.read(a.batches)
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr, betas=(0.9, 0.999), eps=1e-8, foreach=False)
    ema = EMA(net.named_parameters(), cfg.ema)
    model = Precond(net, cfg.sigma_data)
    losses = []
    step = 0
    while f'y.{step}' in b:
        t = {k: torch.from_numpy(b[f'{k}.{step}'].copy()) for k in ('y', 'x', 'sigma', 'w')}
        opt.zero_grad(set_to_none=False)
        loss = weighted_mse(model(t['x'], t['sigma']), t['y'], t['w'])
        loss.backward()
        update(net, opt, ema, cfg, step, float(loss))
        losses.append(float(loss))
        step += 1
    out = {'loss': np.array(losses, dtype=np.float32)}
    for n, q in net.named_parameters():
        s = opt.state[q]
        out['param.' + n] = q.detach().numpy()
        out['adam.m.' + n] = s['exp_avg'].numpy()
        out['adam.v.' + n] = s['exp_avg_sq'].numpy()
        out['ema.' + n] = ema.shadow[n].numpy()
    st.write(a.out, out)


if __name__ == '__main__':
    main()
