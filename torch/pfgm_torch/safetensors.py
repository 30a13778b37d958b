"""The safetensors format as pfgm's safetensors package writes it: an 8-byte
little-endian header length, a JSON header (tensors sorted by name, optional
string metadata under "__metadata__", padded with spaces to 8 bytes), then
the raw little-endian data. Files are written atomically (temp + os.replace).
"""
import json
import os
import secrets

import numpy as np

_DTYPES = {'F32': '<f4', 'F64': '<f8', 'F16': '<f2', 'I64': '<i8', 'I32': '<i4'}


def read(path):
    """Returns ({name: float32 ndarray}, {metadata key: str})."""
    with open(path, 'rb') as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: not a safetensors file (too short)")
    n = int.from_bytes(raw[:8], 'little')
    if n > len(raw) - 8:
        raise ValueError(f"{path}: header length {n} beyond the file")
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {}) or {}
    base = 8 + n
    out = {}
    for name, h in header.items():
        dt = _DTYPES.get(h['dtype'])
        if dt is None:
            raise ValueError(f"{path}: tensor {name}: unsupported dtype {h['dtype']}")
        a, b = h['data_offsets']
        arr = np.frombuffer(raw[base + a:base + b], dtype=dt).astype(np.float32)
        out[name] = arr.reshape(h['shape'])
    return out, meta


def write(path, tensors, metadata=None):
    """Writes {name: array-like} as F32 with string metadata, atomically."""
    names = sorted(tensors)
    arrays = [np.ascontiguousarray(np.asarray(tensors[k], dtype='<f4')) for k in names]
    header = {}
    if metadata:
        header['__metadata__'] = {k: str(metadata[k]) for k in sorted(metadata)}
    off = 0
    for k, a in zip(names, arrays):
        header[k] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off + a.nbytes]}
        off += a.nbytes
    h = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)

    def body(f):
        f.write(len(h).to_bytes(8, 'little'))
        f.write(h)
        for a in arrays:
            f.write(a.tobytes())
    atomic_write(path, body)


def atomic_write(path, fill):
    """Calls fill(file) on a temporary file beside path, syncs it and renames
    it over path, so readers see the old file or the whole new one."""
    d = os.path.dirname(os.path.abspath(path))
    # pfgm's internal/atomicfile naming, ".NAME.tmp-DIGITS", so that pfgm
    # removes the leftovers of a killed write when it resumes the run.
    while True:
        tmp = os.path.join(d, f'.{os.path.basename(path)}.tmp-{secrets.randbelow(10 ** 9)}')
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, 'wb') as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
