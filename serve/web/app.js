// pfgm explorer: exact-field sampling with trajectories, and trained runs.
// Plain JavaScript, no dependencies: the page must work offline.
"use strict";

const D_VALUES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, "inf"];
const $ = (id) => document.getElementById(id);

// api posts (or gets) JSON and returns the parsed answer; a non-2xx answer
// throws its one-line error.
async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const r = await fetch(path, init);
  const text = await r.text();
  let v;
  try { v = JSON.parse(text); } catch { v = { error: text }; }
  if (!r.ok) throw new Error(v.error || r.statusText);
  return v;
}

function setStatus(el, state, text) {
  el.dataset.state = state;
  el.textContent = text;
}

// ---- exact field -------------------------------------------------------

function dValue() { return D_VALUES[Number($("d-slider").value)]; }

function syncLabels() {
  $("d-label").textContent = dValue() === "inf" ? "∞" : String(dValue());
  $("m-label").textContent = Number($("m-slider").value).toFixed(1);
}

let animation = null;

async function generateExact() {
  const button = $("generate"), status = $("exact-status"), canvas = $("field-canvas");
  const m = Number($("m-slider").value);
  const req = {
    data: "toy:" + $("toy").value,
    D: String(dValue()),
    n: Number($("n").value),
    steps: Number($("steps").value),
    seed: 1,
    trajectories: true,
  };
  if (m > 0) {
    if (dValue() === "inf") {
      setStatus(status, "error", "A Yukawa field (m > 0) needs a finite D: move the D slider below ∞.");
      return;
    }
    req.process = "yukawa";
    req.m = m;
  }
  button.disabled = true;
  canvas.dataset.state = "loading";
  setStatus(status, "loading", "sampling…");
  try {
    const res = await api("/v1/exact/samples", req);
    let msg = `${res.samples.length} samples, D = ${res.D === "inf" ? "∞" : res.D}, ${res.nfe} field evaluations, ${res.elapsed_ms.toFixed(0)} ms on the server`;
    if (res.weights) msg += `; particle weights: ESS ${res.weights.ess_final.toFixed(2)}, k̂ ${res.weights.pareto_k.toFixed(2)}` + (res.weights.warning ? ` — ${res.weights.warning}` : "");
    setStatus(status, "done", msg);
    animate(canvas, res);
  } catch (e) {
    canvas.dataset.state = "error";
    setStatus(status, "error", e.message);
  } finally {
    button.disabled = false;
  }
}

// spread is a robust radius of a point cloud around its median: the 90th
// percentile of distances, so a few far prior draws do not shrink the view.
function spread(points, cx, cy) {
  const d = points.map(([x, y]) => Math.hypot(x - cx, y - cy)).sort((a, b) => a - b);
  return d.length ? d[Math.floor(0.9 * (d.length - 1))] : 1;
}

function animate(canvas, res) {
  if (animation) cancelAnimationFrame(animation);
  const frames = res.trajectories && res.trajectories.length ? res.trajectories : [res.samples];
  const sigmas = res.sigmas || [0];
  const ref = res.data || [];
  const xs = ref.map((p) => p[0]).sort((a, b) => a - b), ys = ref.map((p) => p[1]).sort((a, b) => a - b);
  const cx = xs.length ? xs[xs.length >> 1] : 0, cy = ys.length ? ys[ys.length >> 1] : 0;
  const dataR = Math.max(spread(ref.length ? ref : res.samples, cx, cy) * 1.6, 1e-6);
  // The view zooms with the cloud: each frame is drawn at the scale of its
  // own spread (never tighter than the data's), so the prior's huge radius
  // and the data's fine structure are both visible.
  const radii = frames.map((f) => Math.max(spread(f, cx, cy) * 1.3, dataR));
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  const duration = 4000;
  const start = performance.now();
  function draw(now) {
    // rAF's timestamp is the frame's start, which can precede start.
    const t = Math.min(Math.max((now - start) / duration, 0), 1);
    const pos = t * (frames.length - 1);
    const i = Math.min(Math.floor(pos), Math.max(frames.length - 2, 0));
    const u = frames.length > 1 ? pos - i : 0;
    const a = frames[i], b = frames[Math.min(i + 1, frames.length - 1)];
    const R = radii[i] * (1 - u) + radii[Math.min(i + 1, radii.length - 1)] * u;
    const px = (x) => W / 2 + ((x - cx) / R) * (W / 2);
    const py = (y) => H / 2 - ((y - cy) / R) * (H / 2);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, W, H);
    ctx.fillStyle = "rgba(120,130,145,0.35)";
    for (const [x, y] of ref) ctx.fillRect(px(x) - 1, py(y) - 1, 2, 2);
    ctx.fillStyle = "#d9480f";
    for (let k = 0; k < a.length; k++) {
      const x = a[k][0] * (1 - u) + b[k][0] * u, y = a[k][1] * (1 - u) + b[k][1] * u;
      ctx.beginPath();
      ctx.arc(px(x), py(y), 2.2, 0, 2 * Math.PI);
      ctx.fill();
    }
    const sigma = sigmas.length > 1 ? sigmas[i] * (1 - u) + sigmas[Math.min(i + 1, sigmas.length - 1)] * u : 0;
    ctx.fillStyle = "#1d2330";
    ctx.font = "14px system-ui, sans-serif";
    ctx.fillText(`σ = ${sigma.toPrecision(3)}   view radius ${R.toPrecision(3)}`, 10, 20);
    if (t < 1) {
      animation = requestAnimationFrame(draw);
    } else {
      canvas.dataset.state = "done";
      animation = null;
    }
  }
  canvas.dataset.state = "playing";
  animation = requestAnimationFrame(draw);
}

// ---- runs ----------------------------------------------------------------

let currentRun = null;

async function loadRuns() {
  const tbody = $("runs-table").querySelector("tbody");
  let res;
  try {
    res = await api("/v1/runs");
  } catch (e) {
    $("runs-empty").hidden = false;
    $("runs-empty").textContent = e.message;
    return;
  }
  tbody.replaceChildren();
  $("runs-empty").hidden = res.runs.length > 0;
  for (const run of res.runs) {
    const tr = document.createElement("tr");
    for (const v of [run.name, run.data, run.model, run.D === "inf" ? "∞" : run.D, run.process + (run.m ? ` m=${run.m}` : ""), run.steps]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    }
    tr.addEventListener("click", () => selectRun(run, tr));
    tbody.appendChild(tr);
  }
}

async function selectRun(run, tr) {
  currentRun = run;
  for (const row of document.querySelectorAll("#runs-table tbody tr")) row.classList.toggle("selected", row === tr);
  $("run-detail").hidden = false;
  $("run-name").textContent = run.name;
  const sel = $("run-class");
  sel.replaceChildren(new Option("all", ""));
  for (let c = 0; c < (run.classes || 0); c++) sel.appendChild(new Option(String(c), String(c)));
  $("class-label").hidden = !run.classes;
  $("run-metrics").textContent = run.metrics ? JSON.stringify(run.metrics, null, 1) : "no metrics.json in this run";
  setStatus($("run-status"), "idle", "");
  try {
    const loss = await api(`/v1/runs/${encodeURIComponent(run.name)}/loss`);
    drawLoss($("loss-canvas"), loss.steps, loss.loss);
  } catch (e) {
    drawLoss($("loss-canvas"), [], []);
  }
}

function drawLoss(canvas, steps, loss) {
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height, pad = 40;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);
  const pts = steps.map((s, i) => [s, loss[i]]).filter(([, l]) => l > 0 && isFinite(l));
  ctx.fillStyle = "#5f6b7a";
  ctx.font = "12px system-ui, sans-serif";
  if (pts.length < 2) {
    ctx.fillText("no loss curve", pad, H / 2);
    return;
  }
  const lo = Math.log10(Math.min(...pts.map((p) => p[1]))), hi = Math.log10(Math.max(...pts.map((p) => p[1])));
  const smax = pts[pts.length - 1][0];
  const px = (s) => pad + (s / smax) * (W - pad - 10);
  const py = (l) => H - pad + ((Math.log10(l) - lo) / Math.max(hi - lo, 1e-9)) * -(H - pad - 10);
  ctx.strokeStyle = "#dde1e6";
  ctx.strokeRect(pad, 10, W - pad - 10, H - pad - 10);
  ctx.fillText(`${Math.pow(10, hi).toPrecision(3)}`, 2, 18);
  ctx.fillText(`${Math.pow(10, lo).toPrecision(3)}`, 2, H - pad);
  ctx.fillText(`step ${smax}`, W - 80, H - pad + 16);
  ctx.strokeStyle = "#d9480f";
  ctx.beginPath();
  pts.forEach(([s, l], i) => (i ? ctx.lineTo(px(s), py(l)) : ctx.moveTo(px(s), py(l))));
  ctx.stroke();
}

async function generateRun() {
  if (!currentRun) return;
  const status = $("run-status"), button = $("run-generate");
  const body = { n: Number($("run-n").value), steps: Number($("run-steps").value), seed: Math.floor(Math.random() * 1e9) };
  if ($("run-class").value !== "") body.class = Number($("run-class").value);
  button.disabled = true;
  setStatus(status, "loading", "sampling…");
  const t0 = performance.now();
  try {
    const isImage = Boolean(currentRun.image);
    const r = await fetch(`/v1/runs/${encodeURIComponent(currentRun.name)}/samples`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: isImage ? "image/png" : "application/json" },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error || r.statusText);
    const server = r.headers.get("X-Elapsed-Ms"), nfe = r.headers.get("X-NFE");
    if (isImage) {
      const img = $("run-image");
      const url = URL.createObjectURL(await r.blob());
      await new Promise((ok, fail) => { img.onload = ok; img.onerror = () => fail(new Error("bad image")); img.src = url; });
      img.hidden = false;
      $("run-canvas").hidden = true;
    } else {
      const res = await r.json();
      const c = $("run-canvas");
      c.hidden = false;
      $("run-image").hidden = true;
      animate(c, { samples: res.samples, trajectories: [res.samples], sigmas: [0], data: [] });
    }
    setStatus(status, "done", `${body.n} samples, ${nfe} network evaluations, ${Number(server).toFixed(0)} ms on the server (${(performance.now() - t0).toFixed(0)} ms here)`);
  } catch (e) {
    setStatus(status, "error", e.message);
  } finally {
    button.disabled = false;
  }
}

// ---- start -------------------------------------------------------------

async function init() {
  syncLabels();
  $("d-slider").addEventListener("input", syncLabels);
  $("m-slider").addEventListener("input", syncLabels);
  $("generate").addEventListener("click", generateExact);
  $("run-generate").addEventListener("click", generateRun);
  try {
    const toys = await api("/v1/toys");
    for (const t of toys.toys) $("toy").appendChild(new Option(t, t, false, t === "moons"));
  } catch (e) {
    setStatus($("exact-status"), "error", e.message);
  }
  await loadRuns();
  document.body.dataset.ready = "true";
}

init();
