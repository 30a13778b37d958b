"""pfgm's data sources (train/source.go, data/), loaded into float32 rows.

Points: a .csv or .npy file, standardised with the run's stored mean and
standard deviation. Images: mnist / fashion-mnist (IDX, ":test" for the
test split) from where pfgm finds them, or a folder of PNG files, scaled
to [−1, 1] and box-resampled as pfgm does. A toy:NAME set is drawn by pfgm's
Go generator, which the twin does not reproduce: export it with
`pfgm data --toy NAME --n TOY_COUNT --seed SEED --out FILE.npy` (the same
draw as the run's, see data.RNG) and pass --data FILE.npy.
"""
import gzip
import hashlib
import os
import subprocess

import numpy as np

GOMNIST = os.path.join('github.com', 'petar', '!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63', 'data')
FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist'


def is_image_spec(spec):
    name = spec.split(':', 1)[0]
    if name in ('mnist', 'fashion-mnist'):
        return True
    if spec.startswith('toy:'):
        return False
    return os.path.isdir(spec)


def fingerprint(x, labels):
    """train.Fingerprint: SHA-256 of the values per example (uint64), the
    values as float32 and the labels (a uint64 count, then each), all
    little-endian, of the data as loaded (before standardisation)."""
    h = hashlib.sha256()
    x = np.ascontiguousarray(x, dtype='<f4')
    h.update(int(x[0].size if x.ndim > 1 else 1).to_bytes(8, 'little'))
    h.update(x.tobytes())
    lab = np.zeros(0, dtype='<u8') if labels is None else np.asarray(labels).astype('<u8')
    h.update(len(lab).to_bytes(8, 'little'))
    h.update(lab.tobytes())
    return h.hexdigest()


def load(cfg):
    """Returns (x [N, dim] float32, labels [N] int64 or None) for cfg,
    checking them against the run's fingerprint (data_sha256) if it has one."""
    x, labels, raw = _load(cfg)
    want = cfg.data_sha256
    if want and fingerprint(raw, labels) != want:
        raise ValueError(f"the data {cfg.data} differ from the run's (SHA-256 {fingerprint(raw, labels)[:12]}…, "
                         f"the run recorded {want[:12]}…); a toy set must be the run's own draw: "
                         f"pfgm data --toy NAME --n TOY_COUNT --seed {cfg.seed} --out FILE.npy")
    return x, labels


def _load(cfg):
    spec = cfg.data
    if not spec:
        raise ValueError("config has no data set")
    if spec.startswith('toy:'):
        raise ValueError(f"{spec} is drawn by pfgm's Go generator: export it with "
                         f"`pfgm data --toy {spec[4:]} --n N --seed {cfg.seed} --out FILE.npy` "
                         "and pass --data FILE.npy")
    if is_image_spec(spec):
        x, labels, (c, h, w) = load_images(spec, cfg.image_h, cfg.image_c)
        if (c, h, w) != (cfg.image_c, cfg.image_h, cfg.image_w):
            raise ValueError(f"{spec} holds {c}×{h}×{w} images, the run was made for "
                             f"{cfg.image_c}×{cfg.image_h}×{cfg.image_w}")
        x = x.reshape(len(x), -1)
        return x, labels, x
    p = read_points(spec)
    raw = p.astype(np.float32)
    if p.shape[1] != cfg.dim:
        raise ValueError(f"{spec} has {p.shape[1]} numbers a point, the run was made for {cfg.dim}")
    if cfg.standardize is not None:
        mean, std = (np.asarray(v, dtype=np.float64) for v in cfg.standardize)
        p = (p - mean) / std
    return p.astype(np.float32), None, raw


def read_points(path):
    ext = os.path.splitext(path)[1].lower()
    if ext == '.npy':
        a = np.load(path).astype(np.float64)
        if a.ndim == 1:
            a = a[:, None]
        if a.ndim != 2:
            raise ValueError(f"{path}: shape {a.shape}: points need a 1-D or 2-D array")
    elif ext == '.csv':
        rows = []
        with open(path) as f:
            first = True
            for line in f:
                t = line.strip()
                if not t:
                    continue
                fields = [s.strip() for s in t.split(',')]
                if first:
                    first = False
                    try:
                        [float(s) for s in fields]
                    except ValueError:
                        continue  # a header
                rows.append([float(s) for s in fields])
        a = np.asarray(rows, dtype=np.float64)
    else:
        raise ValueError(f"read {path}: unknown extension {ext!r} (want .csv or .npy)")
    if a.size == 0 or not np.isfinite(a).all():
        raise ValueError(f"{path}: no data rows, or NaN/Inf values")
    return a


def mod_cache():
    d = os.environ.get('GOMODCACHE')
    if d:
        return d
    try:
        out = subprocess.run(['go', 'env', 'GOMODCACHE'], capture_output=True, text=True, check=True).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    return os.path.join(os.path.expanduser('~'), 'go', 'pkg', 'mod')


def read_idx(path, magic):
    op = gzip.open if path.endswith('.gz') else open
    with op(path, 'rb') as f:
        b = f.read()
    m = int.from_bytes(b[:4], 'big')
    if m != magic:
        raise ValueError(f"{path}: IDX magic {m:#x}, want {magic:#x}")
    nd = magic & 0xff
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def load_idx_split(d, split):
    prefix = {'train': 'train', '': 'train', 'test': 't10k', 't10k': 't10k'}.get(split)
    if prefix is None:
        raise ValueError(f"unknown split {split!r} (want train or test)")
    pix = read_idx(os.path.join(d, prefix + '-images-idx3-ubyte.gz'), 0x803)
    lab = read_idx(os.path.join(d, prefix + '-labels-idx1-ubyte.gz'), 0x801)
    x = pix.astype(np.float32) / np.float32(127.5) - np.float32(1)
    return x[:, None], lab.astype(np.int64)


def box_weights(m, n):
    """data.boxWeights: the source pixels each output pixel's footprint
    covers, with overlap fractions."""
    scale = m / n
    out = np.zeros((n, m), dtype=np.float32)
    for o in range(n):
        lo, hi = o * scale, (o + 1) * scale
        i = int(lo)
        while i < m and i < hi:
            ov = min(hi, i + 1) - max(lo, i)
            if ov > 1e-9:
                out[o, i] = np.float32(ov / scale)
            i += 1
    return out


def resize(planes, size):
    """Box-resamples [..., H, W] to [..., size, size] (rows, then columns)."""
    h, w = planes.shape[-2:]
    if (h, w) == (size, size):
        return planes
    wx, wy = box_weights(w, size), box_weights(h, size)
    return np.einsum('yi,...ix->...yx', wy, np.einsum('...hx,ox->...ho', planes, wx))


def to_channels(p, channels):
    """data.toChannels: premultiplied RGBA planes [N, 4, H, W] in [0, 1] to
    1, 3 or 4 channels in [−1, 1], compositing over white below 4."""
    r, g, b, a = p[:, 0], p[:, 1], p[:, 2], p[:, 3]
    if channels == 4:
        safe = np.where(a > 0, a, 1)
        r, g, b = (np.where(a > 0, v / safe, v) for v in (r, g, b))
        out = np.stack([r, g, b, a], 1)
    else:
        r, g, b = r + 1 - a, g + 1 - a, b + 1 - a
        out = np.stack([r, g, b], 1) if channels == 3 else (0.299 * r + 0.587 * g + 0.114 * b)[:, None]
    return np.clip(2 * out.astype(np.float32) - 1, -1, 1)


def load_png_dir(d, size, channels):
    from PIL import Image  # only PNG folders need it
    names = sorted(n for n in os.listdir(d) if n.lower().endswith('.png') and os.path.isfile(os.path.join(d, n)))
    if not names:
        raise ValueError(f"no .png files in {d}")
    out = []
    for n in names:
        rgba = np.asarray(Image.open(os.path.join(d, n)).convert('RGBA'), dtype=np.float32) / np.float32(255)
        rgba = rgba.transpose(2, 0, 1)
        rgba[:3] *= rgba[3]  # premultiply, as Go's color.RGBAModel does
        out.append(resize(rgba, size))
    return to_channels(np.stack(out), channels)


def load_images(spec, size, channels):
    name, _, split = spec.partition(':')
    if name == 'mnist':
        x, labels = load_idx_split(os.path.join(mod_cache(), GOMNIST), split)
    elif name == 'fashion-mnist':
        x, labels = load_idx_split(FASHION_MNIST_DIR, split)
    else:
        if not size or not channels:
            raise ValueError(f"{spec}: a PNG folder needs an image size and channel count")
        x = load_png_dir(spec, size, channels)
        return x, None, x.shape[1:]
    size, channels = size or x.shape[2], channels or 1
    x = resize(x, size)
    if channels != 1:
        x = np.repeat(x, min(channels, 3), axis=1)
        if channels == 4:
            x = np.concatenate([x, np.ones_like(x[:, :1])], 1)
    return x.astype(np.float32), labels, x.shape[1:]
