#!/usr/bin/env bash
# bench-vs-torch.sh: time pfgm's engine and the PyTorch peer
# (shared/peer/torch_ref.py) on the same workloads, in the same session,
# alternating the two so that they share the machine's noise, and print a
# side-by-side table of the medians.
#
# usage: scripts/bench-vs-torch.sh [benchmark ...]   (default: gemm mlp unet sample-unet)
#
# environment:
#   PFGM_SHARED  the shared directory holding peer/torch_ref.py (default: ../shared from the repo)
#   THREADS      threads for both sides (default: all cores, nproc)
#   ROUNDS       Go/torch alternations per benchmark (default: 3); the table shows medians across rounds
#   SIZE         GEMM size (default: 1024)
#   PYTHON       the Python with torch (default: /usr/bin/python3)
#   KEEP         a directory to keep the raw JSON lines in (default: a temporary one, removed)
#   CLOCK        wall (default) or cpu: compare CPU time per step (every thread of
#                the process) instead of wall time. On a machine shared with other
#                jobs wall times count their load; CPU times do not (though they
#                still feel their cache pollution). torch's step timer is switched
#                to time.process_time and its OpenMP and OpenBLAS threads told to
#                sleep rather than spin (OMP_WAIT_POLICY=PASSIVE,
#                OPENBLAS_THREAD_TIMEOUT=4); with THREADS=1 neither side has idle
#                threads to count, so that is the cleanest comparison.
#
# It installs nothing. PyTorch comes from Debian: apt-get install -y python3-torch
# Debian's torch calls whatever libblas.so.3 the alternatives system points
# at; with only the reference BLAS (libblas3) its GEMM runs at a few GFLOP/s,
# so also install an optimised one: apt-get install -y libopenblas0-pthread
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${PFGM_SHARED:-$repo/../shared}
peer=$shared/peer/torch_ref.py
python=${PYTHON:-/usr/bin/python3}
threads=${THREADS:-$(nproc)}
rounds=${ROUNDS:-3}
size=${SIZE:-1024}
clock=${CLOCK:-wall}
case $clock in wall | cpu) ;; *) echo "bench-vs-torch: CLOCK must be wall or cpu, got $clock" >&2; exit 1 ;; esac
benches=("$@")
[ ${#benches[@]} -eq 0 ] && benches=(gemm mlp unet sample-unet)

die() { echo "bench-vs-torch: $*" >&2; exit 1; }

[ -f "$peer" ] || die "no peer at $peer (set PFGM_SHARED to the directory holding peer/torch_ref.py)"
if ! "$python" -c 'import torch' 2>/dev/null; then
	die "PyTorch is not importable by $python. Install Debian's CPU build with:
    sudo apt-get install -y python3-torch
(or set PYTHON to an interpreter that has torch)"
fi
command -v go >/dev/null || die "go is not on PATH"
# Which BLAS torch's matmul ends up in (Debian's build uses the system libblas.so.3).
blas=$("$python" -c '
import torch
a = torch.randn(64, 64); a @ a
libs = [l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and ".so" in l]
print(libs[0] if libs else "bundled")' 2>/dev/null || echo unknown)
case $blas in
*/blas/libblas.so*) echo "bench-vs-torch: WARNING: torch uses the reference BLAS ($blas); its GEMM is not representative." >&2
	echo "  install an optimised BLAS first: sudo apt-get install -y libopenblas0-pthread" >&2 ;;
esac

if [ -n "${KEEP:-}" ]; then
	work=$KEEP
	mkdir -p "$work" || die "cannot create $work"
else
	work=$(mktemp -d) || die "mktemp failed"
	trap 'rm -rf "$work"' EXIT
fi

echo "building pfgm ..." >&2
(cd "$repo" && go build -o "$work/pfgm" ./cmd/pfgm) || die "go build failed"

echo "# $(date -u +%FT%TZ)  $(uname -m)  $(nproc) cores  threads=$threads  rounds=$rounds  clock=$clock"
echo "# load before: $(uptime | sed 's/.*load average/load average/')"
echo "# $(go version)  torch $("$python" -c 'import torch; print(torch.__version__)') with BLAS $blas"
# The machine's limits, measured once (pfgm bench peak): every Go line's
# peak_share is against the FMA peak of the same thread count.
peakline=$("$work/pfgm" bench peak --threads "$threads" 2>"$work/err") || die "pfgm bench peak failed: $(cat "$work/err")"
echo "$peakline" >"$work/peak.json"
"$python" - "$peakline" <<'PY'
import json, sys
p = json.loads(sys.argv[1])
bf = f", bf16 dot {p['bf16_gflops_1']} GFLOP/s on 1 core" if p.get("bf16_gflops_1") else ""
print(f"# CPU {p['cpu']} ({p['isa']}): FMA peak {p['fma_gflops_1']} GFLOP/s on 1 core, {p['fma_gflops']} on {p['threads']}; copy {p['mem_gbs']} GB/s{bf}")
PY
peak=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["fma_gflops"])' "$work/peak.json")

# run SIDE BENCH ROUND: one measurement, its JSON line appended to SIDE-BENCH.jsonl.
run() {
	local side=$1 b=$2 r=$3 extra=() line
	[ "$b" = gemm ] && extra=(--size "$size")
	if [ "$side" = go ]; then
		line=$("$work/pfgm" bench "$b" --threads "$threads" --peak "$peak" "${extra[@]}" 2>"$work/err")
	else
		if [ "$clock" = cpu ]; then
			line=$(OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 "$python" -c '
import runpy, sys, time
time.perf_counter = time.process_time  # the peer times its steps in CPU time
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")' "$peer" --model "$b" --threads "$threads" "${extra[@]}" 2>"$work/err")
		else
			line=$("$python" "$peer" --model "$b" --threads "$threads" "${extra[@]}" 2>"$work/err")
		fi
	fi
	if [ $? -ne 0 ] || [ -z "$line" ]; then
		echo "  round $r $side $b FAILED: $(tr '\n' ' ' <"$work/err")" >&2
		return
	fi
	echo "  round $r $side $line" >&2
	echo "$line" >>"$work/$side-$b.jsonl"
}

for b in "${benches[@]}"; do
	case $b in gemm | mlp | unet | sample-unet) ;; *) die "unknown benchmark $b (gemm, mlp, unet, sample-unet)" ;; esac
	rm -f "$work/go-$b.jsonl" "$work/torch-$b.jsonl"
	for ((r = 1; r <= rounds; r++)); do
		# Alternate who goes first, so neither always runs on a warmer or
		# quieter machine.
		if ((r % 2)); then run go "$b" "$r"; run torch "$b" "$r"; else run torch "$b" "$r"; run go "$b" "$r"; fi
	done
done

echo "# load after:  $(uptime | sed 's/.*load average/load average/')"
"$python" - "$work" "$clock" "$threads" "${benches[@]}" <<'PY'
import json, os, statistics, sys

work, clock, threads, benches = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
peak = json.load(open(os.path.join(work, "peak.json")))["fma_gflops"]

def load(side, b):
    p = os.path.join(work, f"{side}-{b}.jsonl")
    if not os.path.exists(p):
        return []
    rows = [json.loads(l) for l in open(p) if l.strip()]
    if clock == "cpu":
        # Times become CPU ms per step, every thread; rates are flops per
        # CPU-second times the threads (what the threads do while they run).
        for r in rows:
            if side == "go":
                r["median_ms"] = r.get("cpu_ms")
                if "gflops_cpu" in r:
                    r["gflops"] = r["gflops_cpu"]
                r["peak_share"] = r.pop("peak_share_cpu", None)
            elif r.get("gflops"):
                r["gflops"] *= threads
    return rows

def med(rows, key):
    v = [r[key] for r in rows if key in r]
    return statistics.median(v) if v else None

print(f"{'benchmark':<18}{'Go median':>14}{'torch median':>15}{'ratio':>9}  {'Go peak RSS':>11}  rounds  {'Go share (CPU-time share)':>26}  torch share")
for b in benches:
    g, t = load("go", b), load("torch", b)
    gm, tm = med(g, "median_ms"), med(t, "median_ms")
    rss = max((r.get("peak_rss_mb", 0) for r in g), default=None)
    name = b
    if b == "gemm":
        gg, tg = med(g, "gflops"), med(t, "gflops")
        size = (g or t or [{}])[0].get("size", "")
        name = f"gemm {size}"
        gs = f"{gg:.1f} GF/s" if gg else "n/a"
        ts = f"{tg:.1f} GF/s" if tg else "n/a"
        ratio = f"{gg / tg:.2f}" if gg and tg else "n/a"
    else:
        batch = (g or t or [{}])[0].get("batch", "")
        name = f"{b} (b={batch})"
        gs = f"{gm:.2f} ms" if gm is not None else "n/a"
        ts = f"{tm:.2f} ms" if tm is not None else "n/a"
        ratio = f"{gm / tm:.2f}" if gm and tm else "n/a"
    rs = f"{rss:.0f} MiB" if rss else "n/a"
    sh, shc = med(g, "peak_share"), med(g, "peak_share_cpu")
    share = f"{100 * sh:.0f} %" if sh else "n/a"
    if shc and clock == "wall":
        share += f" ({100 * shc:.0f} %)"
    # torch's share: its GEMM rate, or for the steps the Go step's product
    # flops (the same model) over torch's time.
    tshare = "n/a"
    tg = med(t, "gflops")
    if b != "gemm" and tm and gm and med(g, "gflops"):
        tg = med(g, "gflops") * gm / tm
    if tg:
        tshare = f"{100 * tg / peak:.0f} %"
    print(f"{name:<18}{gs:>14}{ts:>15}{ratio:>9}  {rs:>11}  {len(g)}/{len(t)}  {share:>26}  {tshare:>11}")
    for side, rows in (("go", g), ("torch", t)):
        p = {r.get("params") for r in rows} - {None}
        if len(p) > 1:
            print(f"  warning: {side} reports several parameter counts {p}")
    pg = {r.get("params") for r in g} - {None}
    pt = {r.get("params") for r in t} - {None}
    if pg and pt and pg != pt:
        print(f"  warning: parameter counts differ: Go {pg}, torch {pt}")
print("ratio: gemm = Go GFLOP/s / torch GFLOP/s (>1: Go faster); others = Go time / torch time (<1: Go faster).")
if clock == "cpu":
    print("clock=cpu: times are CPU ms per step summed over threads, GEMM rates flops per CPU-second × threads.")
print("Medians across rounds of each side's per-run median; Go peak RSS is the largest over rounds.")
print("share: GEMM GFLOP/s (for the steps: their products' flops per step over the step time) over the FMA peak of the same threads;")
print("in brackets the same over the process's CPU time, which holds on a shared machine.")
PY
