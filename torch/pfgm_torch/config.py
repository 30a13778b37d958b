"""pfgm's config.json (train.Config), read tolerantly.

Keys are matched case-insensitively with underscores removed, so "clip_norm",
"ClipNorm" and "clipnorm" are one key, also inside the nested "mlp" and
"unet" objects. The dict is kept as read and written back with its own
spelling, so pfgm reads the run the twin writes.
"""
import json
import math

from .safetensors import atomic_write


def norm_key(k):
    return k.replace('_', '').lower()


def lookup(d, key, default=None):
    """d[key] matching keys by norm_key; default when absent or null."""
    if d is None:
        return default
    want = norm_key(key)
    for k, v in d.items():
        if norm_key(k) == want:
            return default if v is None else v
    return default


def set_key(d, key, value):
    """Sets d[key], reusing the spelling already in d."""
    want = norm_key(key)
    for k in list(d):
        if norm_key(k) == want:
            d[k] = value
            return
    d[key] = value


class Unsupported(ValueError):
    """A run setting the twin refuses (it stays pfgm-only)."""


class Config:
    """The settings the twin uses, read from a pfgm config.json dict."""

    def __init__(self, raw):
        self.raw = raw
        g = lambda k, d=None: lookup(raw, k, d)  # noqa: E731
        self.data = g('data', '')
        self.data_sha256 = g('data_sha256', '')
        self.model = g('model', 'mlp')
        self.D = parse_D(g('D', '128'))
        self.objective = g('objective', '') or 'pfgm++'
        self.process = g('process', '') or 'poisson'
        self.cond = bool(g('cond', False))
        self.classes = int(g('classes', 0))
        self.steps = int(g('steps', 0))
        self.batch = int(g('batch', 0))
        self.lr = float(g('lr', 1e-3))
        self.warmup = int(g('warmup', 0))
        self.ema = float(g('ema', 0.999))
        self.clip_norm = float(g('clip_norm', 0))
        self.seed = int(g('seed', 1))
        self.checkpoint_every = int(g('checkpoint_every', 0))
        self.keep_checkpoints = int(g('keep_checkpoints', 3))
        self.p_mean = float(g('p_mean', -1.2))
        self.p_std = float(g('p_std', 1.2))
        self.sigma_data = float(g('sigma_data', 0.5))
        self.dim = int(g('dim', 0))
        self.image_c = int(g('image_c', 0))
        self.image_h = int(g('image_h', 0))
        self.image_w = int(g('image_w', 0))
        st = g('standardize')
        self.standardize = None if st is None else (lookup(st, 'mean'), lookup(st, 'std'))
        self.mlp = g('mlp')
        self.unet = g('unet')

    def check(self):
        """Refuses what only pfgm trains, and impossible settings."""
        if self.objective != 'pfgm++':
            raise Unsupported(f"objective {self.objective!r} is pfgm-only: train it with `pfgm train` "
                              "(the twin trains the pfgm++ denoising objective)")
        if self.process != 'poisson':
            raise Unsupported(f"process {self.process!r} (Yukawa's two-head objective) is pfgm-only: "
                              "train it with `pfgm train`")
        if self.model not in ('mlp', 'unet'):
            raise ValueError(f"model must be mlp or unet, got {self.model!r}")
        if self.dim < 1:
            raise ValueError("config.json has no data shape (dim): use the config.json that `pfgm train` "
                             "wrote into a run directory")
        for name in ('steps', 'batch'):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be ≥ 1, got {getattr(self, name)}")
        if not (self.lr > 0) or not (0 <= self.ema < 1) or self.clip_norm < 0 or self.warmup < 0:
            raise ValueError("lr must be > 0, ema in [0, 1), clip_norm ≥ 0 and warmup ≥ 0")

    def input_shape(self, b):
        if self.image_c > 0:
            return (b, self.image_c, self.image_h, self.image_w)
        return (b, self.dim)

    def set_steps(self, steps):
        self.steps = steps
        set_key(self.raw, 'steps', steps)

    def set_data(self, path):
        self.data = path
        set_key(self.raw, 'data', path)


def parse_D(v):
    """pfgm's D: an integer ≥ 1 (also "1e6") or "inf"."""
    s = str(v).strip().lower()
    if s in ('inf', '+inf'):
        return math.inf
    d = float(s)
    if not (d >= 1 and d == math.floor(d) and d <= 2 ** 53):
        raise ValueError(f"D must be an integer ≥ 1 or inf, got {v!r}")
    return d


def load(path):
    with open(path) as f:
        raw = json.load(f)
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: not a config object")
    return Config(raw)


def save(path, cfg):
    text = json.dumps(cfg.raw, indent=2) + '\n'
    atomic_write(path, lambda f: f.write(text.encode()))
