package torch

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/optim"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/safetensors"
	"github.com/pfgm/pfgm/train"
)

// TestTrainStepMatchesPfgm replays the same 6 batches (data, σ, PFGM++
// noise at D = 128) through pfgm's training step, written here with pfgm's
// primitives in train.TrainStep's order (weighted MSE, backward, global-norm
// clip, Adam at the warm-up rate, EMA), and through the twin's. Warm-up
// (3 steps) and clipping (norm 0.5) are both active. The losses, Adam's
// moments, the EMA's change and the weights' change must agree.
func TestTrainStepMatchesPfgm(t *testing.T) {
	t.Parallel()
	needTorch(t)
	const steps, batch = 6, 32
	dir := t.TempDir()
	c := train.DefaultConfig()
	c.Data, c.Model, c.Dim = "toy:moons", "mlp", 2
	c.LR, c.Warmup, c.ClipNorm, c.EMA = 1e-2, 3, 0.5, 0.9
	c.MLP = &nn.MLPConfig{N: 2, Width: 64, Emb: 32, Out: 2}
	c, err := c.WithArchitecture()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	net, err := train.BuildModel(c, rng)
	if err != nil {
		t.Fatal(err)
	}
	params := train.OptimParams(net)
	start := map[string]safetensors.Tensor{}
	for _, p := range params {
		start["param."+p.Name] = safetensors.Tensor{Shape: p.Shape, Data: append([]float32(nil), p.Data...)}
	}
	adam := optim.NewAdam(params, optim.AdamConfig{LR: c.LR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	ema := optim.NewEMA(params, c.EMA)
	pre := &nn.Precond{Net: net, SigmaData: c.SigmaData}
	proc, err := c.Poisson()
	if err != nil {
		t.Fatal(err)
	}

	batches := map[string]safetensors.Tensor{}
	var losses []float32
	tp := ag.NewTape()
	for k := range steps {
		y, x, noise := make([]float32, batch*c.Dim), make([]float32, batch*c.Dim), make([]float32, batch*c.Dim)
		sigma, s32, w := make([]float64, batch), make([]float32, batch), make([]float32, batch)
		for i := range y {
			y[i] = float32(rng.NormFloat64())
		}
		sd := c.SigmaData
		for i := range sigma {
			s := math.Exp(c.PMean + c.PStd*rng.NormFloat64())
			sigma[i], s32[i], w[i] = s, float32(s), float32((s*s+sd*sd)/((s*sd)*(s*sd)))
		}
		process.Noise(proc, rng, c.Dim, sigma, false, noise) // unclipped, as train/objective.go draws it
		for i := range x {
			x[i] = y[i] + noise[i]
		}
		key := func(name string) string { return name + "." + strconv.Itoa(k) }
		batches[key("y")] = safetensors.Tensor{Shape: []int{batch, c.Dim}, Data: y}
		batches[key("x")] = safetensors.Tensor{Shape: []int{batch, c.Dim}, Data: x}
		batches[key("sigma")] = safetensors.Tensor{Shape: []int{batch}, Data: s32}
		batches[key("w")] = safetensors.Tensor{Shape: []int{batch}, Data: w}

		// train.TrainStep, step k.
		tp.Reset()
		adam.ZeroGrad()
		Y := ag.FromData(y, batch, c.Dim)
		loss := tp.WeightedMSE(pre.Forward(tp, ag.FromData(x, batch, c.Dim), s32), Y, ag.FromData(w, batch))
		tp.Backward(loss)
		losses = append(losses, loss.Data[0])
		optim.ClipGradNorm(params, c.ClipNorm)
		adam.Step(optim.WarmupLR(c.LR, k, c.Warmup))
		ema.Update(params)
	}

	if err := train.SaveConfig(dir, &c); err != nil {
		t.Fatal(err)
	}
	wPath, bPath, outPath := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "b.safetensors"), filepath.Join(dir, "out.safetensors")
	if err := safetensors.Write(wPath, start, nil); err != nil {
		t.Fatal(err)
	}
	if err := safetensors.Write(bPath, batches, nil); err != nil {
		t.Fatal(err)
	}
	runPy(t, "-m", "pfgm_torch.replay", "--config", filepath.Join(dir, "config.json"),
		"--weights", wPath, "--batches", bPath, "--out", outPath)
	got := readST(t, outPath)

	// Relative tolerances: the losses and Adam's moments to 1e-5; the
	// weights' and the EMA's change over the 6 steps to 1e-4, since Adam's
	// m/(√v+ε) magnifies rounding where a gradient is near 0.
	const tol, tolDelta = 1e-5, 1e-4
	if e := relErr(got["loss"].Data, losses); !(e <= tol) {
		t.Errorf("losses: twin %v, pfgm %v (relative %.3g)", got["loss"].Data, losses, e)
	}
	want := map[string]safetensors.Tensor{}
	for k, v := range adam.State() {
		want[k] = v
	}
	for k, v := range ema.State() {
		want[k] = v
	}
	for _, p := range params {
		want["param."+p.Name] = safetensors.Tensor{Shape: p.Shape, Data: p.Data}
	}
	worst, at := 0.0, ""
	for k, v := range want {
		g, ok := got[k]
		if strings.HasPrefix(k, "adam.step") || strings.HasPrefix(k, "ema_state") {
			continue
		}
		if !ok || len(g.Data) != len(v.Data) {
			t.Fatalf("the twin's state has no %s of %d values", k, len(v.Data))
		}
		var e float64
		name, isW := strings.CutPrefix(k, "param.")
		if n, isE := strings.CutPrefix(k, "ema."); isE {
			name, isW = n, true
		}
		if isW {
			p0 := start["param."+name].Data
			e = relErr(diff(g.Data, p0), diff(v.Data, p0)) * tol / tolDelta
		} else {
			e = relErr(g.Data, v.Data)
		}
		if e > worst || math.IsNaN(e) {
			worst, at = e, k
		}
	}
	t.Logf("%d steps: losses agree to %.3g; worst state difference %.3g × tolerance (%s)", steps, relErr(got["loss"].Data, losses), worst/tol, at)
	if !(worst <= tol) {
		t.Errorf("the twin's training step differs from pfgm's at %s: %.3g × the tolerance", at, worst/tol)
	}
}
