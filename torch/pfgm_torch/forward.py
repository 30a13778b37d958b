"""Evaluate the twin's preconditioned denoiser on given weights and inputs:

    python3 -m pfgm_torch.forward --config RUN/config.json \\
        --weights W.safetensors --inputs IN.safetensors --out OUT.safetensors

W holds "param.<name>" (a pfgm model or checkpoint), IN holds "x" [B, …]
and "sigma" [B] (and "onehot" [B, classes] for a class-conditional run);
OUT gets "D" = D(x, σ). pfgm's interop tests compare it with nn.Precond.
"""
import argparse

import torch

from . import checkpoint as ck
from . import config as cfgmod
from . import safetensors as st
from .models import Precond


def main(argv=None):
    ap = argparse.ArgumentParser(prog='python -m pfgm_torch.forward')
    for k in ('config', 'weights', 'inputs', 'out'):
        ap.add_argument('--' + k, required=True)
    a = ap.parse_args(argv)
    cfg = cfgmod.load(a.config)
    net = ck.build_model(cfg)
    w, _ = st.read(a.weights)
    sd = {n: torch.from_numpy(w['param.' + n].copy()) for n, _ in net.named_parameters()}
    net.load_state_dict(sd, strict=True)
    inp, _ = st.read(a.inputs)
    with torch.no_grad():
        onehot = torch.from_numpy(inp['onehot']) if 'onehot' in inp else None
        d = Precond(net, cfg.sigma_data)(torch.from_numpy(inp['x']), torch.from_numpy(inp['sigma']), onehot)
    st.write(a.out, {'D': d.numpy()})


if __name__ == '__main__':
    main()
