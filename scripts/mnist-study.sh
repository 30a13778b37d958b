#!/bin/sh
# MNIST studies with a reduced U-Net (docs/STUDIES.md, "MNIST"): trains one
# run per D with equal budget, then samples every run under the
# perturbations of the robustness and steps studies and scores each sample
# set with `pfgm eval --ref mnist` (FD etc. in the embedded classifier's
# feature space, against the test split, with the floor of real images).
#
#   scripts/mnist-study.sh RUNS_DIR OUT_DIR
#
# Environment: PFGM (the binary, default "pfgm"), DS (default "1 128 inf 16"),
# STEPS (2000), BATCH (32), UNET (8,16,16), N (samples per cell, 500),
# JOBS (cells sampled at once, 2), SEED (training seed, 1; sampling always
# uses seed 1). Reruns skip the runs and cells they have.
# Writes OUT_DIR/cells.jsonl (one line per cell), results.json, results.md.
set -eu
RUNS=${1:?usage: mnist-study.sh RUNS_DIR OUT_DIR}
OUT=${2:?usage: mnist-study.sh RUNS_DIR OUT_DIR}
PFGM=${PFGM:-pfgm}
DS=${DS:-"1 128 inf 16"}
STEPS=${STEPS:-2000}
BATCH=${BATCH:-32}
UNET=${UNET:-8,16,16}
N=${N:-500}
JOBS=${JOBS:-2}
SEED=${SEED:-1}
mkdir -p "$RUNS/samples" "$OUT/cells"

# 1. Training: equal budget at every D.
for D in $DS; do
	[ -f "$RUNS/D$D/model.safetensors" ] && continue
	"$PFGM" --threads 1 train --data mnist --D "$D" --steps "$STEPS" --batch "$BATCH" \
		--unet-channels "$UNET" --seed "$SEED" --out "$RUNS/D$D" >"$RUNS/train-D$D.log" 2>&1
done

# 2. The cells: NAME D STUDY ALPHA BITS SOLVER SAMPLER_STEPS, one a line,
# in order of priority.
cells() {
	for D in $DS; do echo "base-D$D $D base 0 0 heun 18"; done
	for D in $DS; do echo "alpha0.2-D$D $D alpha 0.2 0 heun 18"; done
	for D in $DS; do echo "q5-D$D $D quantize 0 5 heun 18"; done
	for D in $DS; do echo "heun5-D$D $D steps 0 0 heun 5"; done
	case " $DS " in *" inf "*) echo "sde18-Dinf inf steps 0 0 sde 18" ;; esac
	for D in $DS; do echo "alpha0.1-D$D $D alpha 0.1 0 heun 18"; done
	for D in $DS; do echo "q8-D$D $D quantize 0 8 heun 18"; done
	for D in $DS; do echo "heun10-D$D $D steps 0 0 heun 10"; done
	case " $DS " in *" inf "*) printf "%s\n" "sde50-Dinf inf steps 0 0 sde 50" "sde100-Dinf inf steps 0 0 sde 100" ;; esac
}

# cell NAME D STUDY ALPHA BITS SOLVER SAMPLER_STEPS: sample and score one cell.
cell() {
	name=$1 D=$2 study=$3 alpha=$4 bits=$5 solver=$6 steps=$7
	[ -s "$OUT/cells/$name.json" ] && return 0
	npy="$RUNS/samples/$name.npy"
	"$PFGM" --threads 1 sample --run "$RUNS/D$D" --n "$N" --seed 1 --alpha "$alpha" \
		--quantize "$bits" --solver "$solver" --steps "$steps" --out "$npy" 2>"$RUNS/samples/$name.err"
	nfe=$(sed -n 's/.*nfe=\([0-9]*\).*/\1/p' "$RUNS/samples/$name.err" | tail -1)
	ev=$("$PFGM" --threads 1 eval --ref mnist --samples "$npy" --seed 1)
	printf '{"cell":"%s","D":"%s","study":"%s","alpha":%s,"bits":%s,"solver":"%s","steps":%s,"nfe":%s,"eval":%s}\n' \
		"$name" "$D" "$study" "$alpha" "$bits" "$solver" "$steps" "${nfe:-0}" "$ev" >"$OUT/cells/$name.json.tmp"
	mv "$OUT/cells/$name.json.tmp" "$OUT/cells/$name.json"
	echo "$name done" >&2
}

if [ "${CELL:-}" ]; then
	# shellcheck disable=SC2086
	cell $CELL
	exit
fi
cells | while read -r line; do printf '%s\n' "$line"; done |
	xargs -P "$JOBS" -I{} env CELL={} PFGM="$PFGM" DS="$DS" N="$N" sh "$0" "$RUNS" "$OUT" ||
	echo "some cells failed (see $RUNS/samples/*.err); rerun to retry them" >&2

# 3. Tables.
cat "$OUT"/cells/*.json >"$OUT/cells.jsonl"
python3 - "$OUT" "$STEPS" "$BATCH" "$UNET" "$N" <<'PY'
import json, sys, os
out, steps, batch, unet, n = sys.argv[1:]
cells = [json.loads(l) for l in open(os.path.join(out, "cells.jsonl"))]
by = {c["cell"]: c for c in cells}
Ds = [d for d in ["1", "16", "128", "inf"] if f"base-D{d}" in by]
floor = cells[0]["eval"]["fd_floor"]
res = {"setup": {"data": "mnist", "unet_channels": unet, "train_steps": int(steps), "batch": int(batch),
                 "samples": int(n), "fd_floor": floor}, "cells": cells}
with open(os.path.join(out, "results.json.tmp"), "w") as f:
    json.dump(res, f, indent=1)
os.replace(os.path.join(out, "results.json.tmp"), os.path.join(out, "results.json"))
def fd(name):
    c = by.get(name)
    return "—" if c is None else f'{c["eval"]["fd"]:.1f}'
def pr(name):
    c = by.get(name)
    return "—" if c is None else f'{c["eval"]["precision"]:.2f} / {c["eval"]["recall"]:.2f}'
L = [f"MNIST, U-Net {unet}, {steps} steps × batch {batch}, {n} samples a cell, seed 1. "
     f"FD in the embedded classifier's features against the test split; floor (real train images, n = {n}): {floor:.1f}.", ""]
L += ["Robustness (Heun, 18 steps = 35 NFE): FD", "",
      "| D | clean | α = 0.1 | α = 0.2 | 8 bits | 5 bits | precision / recall (clean) |", "|---|---|---|---|---|---|---|"]
for d in Ds:
    L.append(f"| {d} | {fd('base-D'+d)} | {fd('alpha0.1-D'+d)} | {fd('alpha0.2-D'+d)} | {fd('q8-D'+d)} | {fd('q5-D'+d)} | {pr('base-D'+d)} |")
L += ["", "Steps: FD against NFE (Heun: 2·steps − 1 evaluations)", "",
      "| D | solver | steps | NFE | FD |", "|---|---|---|---|---|"]
for d in Ds:
    for s, name in [(5, "heun5-D"), (10, "heun10-D"), (18, "base-D")]:
        c = by.get(name + d)
        if c: L.append(f"| {d} | heun | {s} | {c['nfe']} | {c['eval']['fd']:.1f} |")
for name in ["sde18-Dinf", "sde50-Dinf", "sde100-Dinf"]:
    c = by.get(name)
    if c: L.append(f"| inf | sde | {c['steps']} | {c['nfe']} | {c['eval']['fd']:.1f} |")
open(os.path.join(out, "results.md"), "w").write("\n".join(L) + "\n")
print("\n".join(L))
PY
