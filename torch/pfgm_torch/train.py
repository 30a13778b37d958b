"""Train a pfgm run with PyTorch, on one process or many (DDP).

    PYTHONPATH=torch python3 -m torch.distributed.run --nproc_per_node=2 \\
        -m pfgm_torch.train --config RUN0/config.json --out RUN1 --steps S

reads the config that `pfgm train` wrote (data, model, D, optimiser
settings), trains the pfgm++ objective and leaves in RUN1 a pfgm run
directory. Batch is the global batch: each of the K shards of a step draws
batch/K examples and their noise from its own stream (seed, shard, first
step); shards are spread evenly over the ranks (K defaults to the world size).
DDP averages the ranks' gradients, so K ranks × batch/K is the same update as
one rank running all K shards as one batch (--shards K). Rank 0 writes
checkpoints (atomically) and the loss curve. --resume takes a pfgm or torch
checkpoint (a file, or a run directory's newest).
"""
import argparse
import fcntl
import json
import math
import os
import re
import signal
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

from . import checkpoint as ck
from . import config as cfgmod
from . import data as datamod
from .models import Precond
from .process import Stream


def warmup_lr(base, step, warmup):
    """optim.WarmupLR: base·(step+1)/warmup for the first warmup−1 steps."""
    if warmup <= 1 or step >= warmup - 1:
        return base
    return base * (max(step, 0) + 1) / warmup


class EMA:
    """optim.EMA: shadow = decay·shadow + (1−decay)·param, per element in
    float64, stored in float32."""

    def __init__(self, named, decay):
        self.decay = decay
        self.shadow = {n: p.detach().clone() for n, p in named}

    @torch.no_grad()
    def update(self, named):
        for n, p in named:
            s = self.shadow[n]
            s.copy_((self.decay * s.double() + (1 - self.decay) * p.detach().double()).float())


def weighted_mse(out, y, w):
    """ag.WeightedMSE: mean over all elements of λ_b·(out − y)²."""
    shape = (-1,) + (1,) * (out.dim() - 1)
    return (w.reshape(shape) * (out - y) ** 2).sum() / out.numel()


def update(net, opt, ema, cfg, step, loss):
    """The step after the backward pass, as train.TrainStep takes it: stop on
    a non-finite loss or gradient norm, clip the gradients' global norm,
    Adam at the warm-up learning rate, then the EMA."""
    params = list(net.parameters())
    norm = float(torch.sqrt(sum((q.grad.double() ** 2).sum() for q in params)))
    if not (math.isfinite(loss) and math.isfinite(norm)):
        raise ValueError(f"training diverged: step {step + 1}: loss {loss}, gradient norm {norm} "
                         "(the last good checkpoint is kept)")
    if cfg.clip_norm > 0:
        torch.nn.utils.clip_grad_norm_(params, cfg.clip_norm)
    for g in opt.param_groups:
        g['lr'] = warmup_lr(cfg.lr, step, cfg.warmup)
    opt.step()
    ema.update(net.named_parameters())


def parse_args(argv):
    ap = argparse.ArgumentParser(prog='python -m pfgm_torch.train', description=__doc__.split('\n')[0])
    ap.add_argument('--config', help="a pfgm run's config.json (default: the --resume run's)")
    ap.add_argument('--out', required=True, help='run directory to write')
    ap.add_argument('--steps', type=int, default=0, help='total steps to reach (default: the config\'s)')
    ap.add_argument('--resume', default='', help='continue from a checkpoint file or a run directory\'s newest')
    ap.add_argument('--data', default='', help='data file replacing the config\'s (e.g. a toy set exported with pfgm data)')
    ap.add_argument('--shards', type=int, default=0, help='noise/data streams per step (default: the world size)')
    ap.add_argument('--threads', type=int, default=0, help='torch CPU threads per process (default: torch\'s)')
    ap.add_argument('--device', default='auto', help='auto, cpu or cuda')
    ap.add_argument('--log-every', type=int, default=0, help='print the loss every N steps (rank 0)')
    return ap.parse_args(argv)


def setup_dist(device_arg):
    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    local = int(os.environ.get('LOCAL_RANK', '0'))
    cuda = torch.cuda.is_available() if device_arg == 'auto' else device_arg == 'cuda'
    dev = torch.device(f'cuda:{local}') if cuda else torch.device('cpu')
    if cuda:
        torch.cuda.set_device(dev)
    if world > 1:
        dist.init_process_group('nccl' if cuda else 'gloo')
    return world, rank, dev


def main(argv=None):
    a = parse_args(argv)
    try:
        run(a)
    except (ValueError, OSError, Interrupted) as e:
        print(f"pfgm_torch.train: {e}", file=sys.stderr)
        if dist.is_initialized():
            dist.destroy_process_group()
        sys.exit(1)


def run(a):
    world, rank, dev = setup_dist(a.device)
    if a.threads > 0:
        torch.set_num_threads(a.threads)

    resume_path = ck.find_checkpoint(a.resume) if a.resume else ''
    cfg_path = a.config or (os.path.join(os.path.dirname(resume_path), 'config.json') if resume_path else '')
    if not cfg_path:
        raise ValueError('give --config RUN/config.json or --resume')
    cfg = cfgmod.load(cfg_path)
    if a.data:
        cfg.set_data(os.path.abspath(a.data))
    if a.steps:
        cfg.set_steps(a.steps)
    cfg.check()
    shards = a.shards or world
    if shards % world or cfg.batch % shards:
        raise ValueError(f"batch {cfg.batch} over {shards} shards on {world} ranks: "
                         "shards must be a multiple of the world size and divide the batch")

    x, labels = datamod.load(cfg)
    if cfg.classes > 0 and labels is None:
        raise ValueError(f"{cfg.data} has no class labels for a class-conditional run")

    torch.manual_seed(cfg.seed)
    net = ck.build_model(cfg).to(dev)
    names = [n for n, _ in net.named_parameters()]
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr, betas=(0.9, 0.999), eps=1e-8,
                           foreach=False if dev.type == 'cpu' else None)
    step, losses = 0, []
    if resume_path:
        step, p, m, v, adam_steps, ema0 = ck.read_checkpoint(resume_path, names)
        with torch.no_grad():
            for n, q in net.named_parameters():
                q.copy_(torch.from_numpy(p[n]).reshape(q.shape))
        for n, q in net.named_parameters():
            opt.state[q] = {'step': torch.tensor(float(adam_steps)),
                            'exp_avg': torch.from_numpy(m[n].copy()).reshape(q.shape).to(dev),
                            'exp_avg_sq': torch.from_numpy(v[n].copy()).reshape(q.shape).to(dev)}
        losses = ck.read_losses(os.path.dirname(resume_path), step)

    # Rank 0 claims --out; every rank learns whether it could, so that none
    # is left waiting in a collective for a rank that gave up.
    err = None
    if rank == 0:
        try:
            lock = prepare_out(a.out, resume_path)  # noqa: F841  (held while training)
        except (ValueError, OSError) as e:
            err = e
    if world > 1:
        ok = torch.tensor([0.0 if err else 1.0], device=dev)
        dist.all_reduce(ok, op=dist.ReduceOp.MIN)
        if ok.item() == 0 and err is None:
            raise ValueError(f"rank 0 could not claim {a.out}")
    if err:
        raise err

    model = Precond(net, cfg.sigma_data)
    ddp = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model  # broadcasts rank 0's weights
    ema = EMA(net.named_parameters(), cfg.ema)
    if resume_path:
        for n in names:
            ema.shadow[n].copy_(torch.from_numpy(ema0[n]).reshape(ema.shadow[n].shape))

    if rank == 0:
        cfgmod.save(os.path.join(a.out, 'config.json'), cfg)
        print(f"pfgm_torch: {cfg.model} on {cfg.data}, D={cfg.D}, {sum(q.numel() for q in net.parameters())} "
              f"parameters, batch {cfg.batch} = {world} rank(s) × {cfg.batch // world}, steps {step}→{cfg.steps}, "
              f"device {dev}", flush=True)

    stop = StopRequest()
    per = shards // world
    streams = [Stream(cfg.seed, rank * per + k, step, x, labels, cfg, cfg.batch // shards) for k in range(per)]
    t0, times, cpu = time.perf_counter(), [], []
    while step < cfg.steps:
        ts, cs = time.perf_counter(), time.process_time()
        draws = [s.draw() for s in streams]
        y, xin, sigma, w = (torch.from_numpy(np.concatenate([d[i] for d in draws])).to(dev) for i in range(4))
        onehot = None
        if cfg.classes > 0:
            lab = torch.from_numpy(np.concatenate([d[4] for d in draws])).to(dev)
            onehot = torch.nn.functional.one_hot(lab, cfg.classes).float()
        shape = cfg.input_shape(len(y))
        y, xin = y.reshape(shape), xin.reshape(shape)
        opt.zero_grad(set_to_none=False)
        loss = weighted_mse(ddp(xin, sigma, onehot), y, w)
        loss.backward()
        # One all-reduce carries the loss and the stop request (a signal on any rank).
        gl = torch.stack([loss.detach().double(), torch.tensor(float(stop.requested), dtype=torch.float64, device=dev)])
        if world > 1:
            dist.all_reduce(gl)
        l, stopping = float((gl[0] / world).float()), bool(gl[1] > 0)
        update(net, opt, ema, cfg, step, l)
        step += 1
        losses.append(l)
        times.append(time.perf_counter() - ts)
        cpu.append(time.process_time() - cs)
        if rank == 0:
            if a.log_every and step % a.log_every == 0:
                print(f"step {step} loss {l:.5g}", flush=True)
            if cfg.checkpoint_every > 0 and step % cfg.checkpoint_every == 0 and step < cfg.steps or stopping:
                save(a.out, step, net, opt, ema, cfg, losses)
        if stopping:
            if world > 1:
                dist.barrier()
                dist.destroy_process_group()
            raise Interrupted(f"interrupted at step {step}: checkpoint {ck.ckpt_name(step)} written; "
                              f"continue with --resume {a.out}")
    if rank == 0:
        save(a.out, step, net, opt, ema, cfg, losses)
        ck.write_model(a.out, step, {n: t.cpu().numpy() for n, t in ema.shadow.items()}, cfg.raw)
        n = len(times)
        med = sorted(times)[n // 2] if n else float('nan')
        # Wall time per step, and rank 0's CPU time per step (all its threads,
        # Gloo's included): the second does not grow when the machine is shared.
        print(json.dumps({'done': os.path.join(a.out, 'model.safetensors'), 'world': world, 'steps': n,
                          'median_step_s': med, 'steps_per_s': 1 / med if n else 0,
                          'median_cpu_step_s': sorted(cpu)[n // 2] if n else float('nan'),
                          'wall_s': time.perf_counter() - t0}), flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


class Interrupted(Exception):
    """SIGINT or SIGTERM stopped the run after a checkpoint."""


class StopRequest:
    """Records SIGINT/SIGTERM, so that the run stops after the current step
    with a checkpoint (as pfgm does), on every rank at the same step."""

    def __init__(self):
        self.requested = False
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    def _handle(self, *_):
        self.requested = True


def prepare_out(out, resume_path):
    """Creates out and takes its lock (.lock, flock as pfgm takes it, held
    until the process exits); refuses to overwrite another run unless
    resuming it, and a directory of other files."""
    if os.path.exists(os.path.join(out, 'config.json')):
        if not resume_path or os.path.abspath(os.path.dirname(resume_path)) != os.path.abspath(out):
            raise ValueError(f"{out} already holds a run: --resume {out} to continue it, or another --out")
    elif os.path.isdir(out):
        others = [n for n in os.listdir(out) if n != '.lock' and not TEMP_RE.match(n)]
        if others:
            raise ValueError(f"{out} is not empty ({', '.join(sorted(others)[:3])}) but holds no run: "
                             "choose a new or empty directory")
    os.makedirs(out, exist_ok=True)
    f = open(os.path.join(out, '.lock'), 'a')
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        raise ValueError(f"{out} is being trained by another process (it holds {out}/.lock)") from None
    return f


TEMP_RE = re.compile(r'^\..+\.tmp-[0-9]+$')


def save(out, step, net, opt, ema, cfg, losses):
    p, m, v = {}, {}, {}
    for n, q in net.named_parameters():
        s = opt.state.get(q, {})
        p[n] = q.detach().cpu().numpy()
        m[n] = s['exp_avg'].cpu().numpy() if 'exp_avg' in s else np.zeros(q.shape, np.float32)
        v[n] = s['exp_avg_sq'].cpu().numpy() if 'exp_avg_sq' in s else np.zeros(q.shape, np.float32)
    ck.write_checkpoint(out, step, p, m, v, {n: t.cpu().numpy() for n, t in ema.shadow.items()},
                        cfg.raw, cfg.seed, cfg.keep_checkpoints)
    ck.write_losses(out, losses)


if __name__ == '__main__':
    main()
