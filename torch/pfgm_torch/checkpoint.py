"""pfgm's run-directory layout (train/checkpoint.go, train/run.go).

ckpt-STEP.safetensors (STEP as %08d) holds "param.<name>" (weights),
"adam.m.<name>", "adam.v.<name>", "adam.step" (Adam's moments and step
count), "ema.<name>" and "ema_state.updates" (the EMA); its metadata holds
"step", "rng" (a Go PCG state, base64 of "pcg:" + hi + lo big-endian) and
"config". model.safetensors holds the EMA weights under "param.<name>".
loss.csv is "step,loss", one row a step. Counts are stored as two float32
[n / 2^24, n mod 2^24] (optim.encodeCount).
"""
import base64
import json
import os
import re

import numpy as np

from . import config as cfgmod
from . import models
from . import safetensors as st

COUNT_BASE = 1 << 24
CKPT_RE = re.compile(r'^ckpt-(\d+)\.safetensors$')


def ckpt_name(step):
    return f'ckpt-{step:08d}.safetensors'


def encode_count(n):
    return np.array([n // COUNT_BASE, n % COUNT_BASE], dtype=np.float32)


def decode_count(a, key):
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    if a.size != 2 or (a < 0).any() or (a != np.floor(a)).any() or a[1] >= COUNT_BASE:
        raise ValueError(f"state {key} = {a} is not a step count")
    return int(a[0]) * COUNT_BASE + int(a[1])


def build_model(cfg):
    """train.BuildModel: the network of cfg, with pfgm's defaults."""
    if cfg.model == 'mlp':
        m = cfg.mlp or {}
        g = lambda k, d: cfgmod.lookup(m, k, d) or d  # noqa: E731
        n = g('N', cfg.dim)
        if n != cfg.dim:
            raise ValueError(f"the MLP takes {n} inputs but the data have {cfg.dim}")
        return models.MLP(n, width=g('Width', 256), emb=g('Emb', 32), out=g('Out', cfg.dim), classes=cfg.classes)
    if cfg.image_c == 0:
        raise ValueError(f"the U-Net needs image data (mnist, fashion-mnist or a PNG folder), not {cfg.data}")
    u = cfg.unet or {}
    g = lambda k, d: cfgmod.lookup(u, k, d)  # noqa: E731
    rb, emb = g('ResBlocks', 0), g('Emb', 0)
    attn = g('AttnAtLowest', False)
    if not rb or not emb:
        rb, emb, attn = 2, 128, True
    return models.UNet(cfg.image_c, cfg.image_h, cfg.image_w, channels=tuple(g('Channels', None) or (32, 64, 64)),
                       res_blocks=rb, attn_at_lowest=attn, emb=emb, classes=cfg.classes)


def list_checkpoints(d):
    """Steps of d's checkpoints, oldest first."""
    try:
        names = os.listdir(d)
    except FileNotFoundError:
        return []
    return sorted(int(m.group(1)) for m in map(CKPT_RE.match, names) if m)


def find_checkpoint(path):
    """path itself if it is a file, else the newest checkpoint of the run
    directory path."""
    if os.path.isfile(path):
        return path
    ck = list_checkpoints(path)
    if not ck:
        raise ValueError(f"--resume: no checkpoint in {path}")
    return os.path.join(path, ckpt_name(ck[-1]))


def go_pcg_state(seed, step):
    """A Go math/rand/v2 PCG state (MarshalBinary form, base64) derived from
    (seed, step), so that pfgm can resume a torch checkpoint with a fresh
    training stream of its own."""
    hi, lo = np.random.SeedSequence([seed, step, 0x676f]).generate_state(2, np.uint64)
    raw = b'pcg:' + int(hi).to_bytes(8, 'big') + int(lo).to_bytes(8, 'big')
    return base64.b64encode(raw).decode()


def write_checkpoint(d, step, params, adam_m, adam_v, ema, raw_config, seed, keep):
    """Writes d/ckpt-STEP.safetensors atomically; params, adam_m, adam_v and
    ema map parameter names to float32 arrays. Removes the oldest
    checkpoints beyond keep."""
    t = {}
    for name, v in params.items():
        t['param.' + name] = v
        t['adam.m.' + name] = adam_m[name]
        t['adam.v.' + name] = adam_v[name]
        t['ema.' + name] = ema[name]
    t['adam.step'] = encode_count(step)
    t['ema_state.updates'] = encode_count(step)
    meta = {'step': str(step), 'rng': go_pcg_state(seed, step), 'writer': 'pfgm_torch',
            'config': json.dumps(raw_config, separators=(',', ':'))}
    st.write(os.path.join(d, ckpt_name(step)), t, meta)
    ck = list_checkpoints(d)
    while len(ck) > keep:
        try:
            os.remove(os.path.join(d, ckpt_name(ck[0])))
        except FileNotFoundError:
            pass
        ck = ck[1:]


def read_checkpoint(path, names):
    """Returns (step, params, adam_m, adam_v, adam_steps, ema) for the
    parameter names, checking that the file holds exactly this model."""
    t, meta = st.read(path)
    try:
        step = int(meta['step'])
    except (KeyError, ValueError):
        raise ValueError(f"{path}: no valid step in the metadata") from None
    have = {k[len('param.'):] for k in t if k.startswith('param.')}
    if have != set(names):
        missing, extra = sorted(set(names) - have), sorted(have - set(names))
        raise ValueError(f"{path}: parameters do not match the model (missing {missing[:3]}, extra {extra[:3]})")
    get = lambda p: {n: t[p + n] for n in names}  # noqa: E731
    for p in ('adam.m.', 'adam.v.', 'ema.'):
        if any(p + n not in t for n in names):
            raise ValueError(f"{path}: no {p}* state (a model file, not a checkpoint?)")
    return (step, get('param.'), get('adam.m.'), get('adam.v.'), decode_count(t['adam.step'], 'adam.step'), get('ema.'))


def write_model(d, step, ema, raw_config):
    meta = {'step': str(step), 'weights': 'ema', 'writer': 'pfgm_torch',
            'config': json.dumps(raw_config, separators=(',', ':'))}
    st.write(os.path.join(d, 'model.safetensors'), {'param.' + k: v for k, v in ema.items()}, meta)


def write_losses(d, losses):
    text = 'step,loss\n' + ''.join(f'{i + 1},{repr(float(v))}\n' for i, v in enumerate(losses))
    st.atomic_write(os.path.join(d, 'loss.csv'), lambda f: f.write(text.encode()))


def read_losses(d, up_to):
    """The first up_to losses of d/loss.csv ([] if there is none)."""
    out = []
    try:
        with open(os.path.join(d, 'loss.csv')) as f:
            for line in f:
                parts = line.strip().split(',')
                if len(parts) != 2 or parts[0] == 'step':
                    continue
                out.append(float(parts[1]))
                if len(out) >= up_to:
                    break
    except FileNotFoundError:
        pass
    return out
