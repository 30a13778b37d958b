package torch

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/train"
)

// TestTwoRanksEqualOneBatch checks that DDP's gradient averaging makes 2
// ranks × batch 32 the same optimisation as 1 rank × batch 64. The draws
// line up: both runs split the step's 64 examples into the same two shards,
// shard k drawing its data and noise from stream (seed, k, first step), the
// 2-rank run one shard a rank, the 1-rank run both (--shards 2) as one batch
// of 64. Both continue pfgm's checkpoint for 3 steps; the weights, Adam's
// moments and the losses must agree to float32 rounding. A control run that
// draws its 64 examples from one stream must not: it shows the comparison
// would see different batches.
func TestTwoRanksEqualOneBatch(t *testing.T) {
	t.Parallel()
	needTorch(t)
	tmp := t.TempDir()
	run0 := filepath.Join(tmp, "run0")
	c := moonsConfig(100)
	moons := pfgmRun(t, c, run0)
	dirs := map[string]string{}
	for _, name := range []string{"ddp", "one", "control"} {
		dirs[name] = filepath.Join(tmp, name)
	}
	args := func(name string) []string {
		return []string{"--resume", run0, "--out", dirs[name], "--steps", "103", "--data", moons}
	}
	torchrun(t, 2, args("ddp")...)
	twin(t, append(args("one"), "--shards", "2")...)
	twin(t, append(args("control"), "--shards", "1")...)

	// Relative, per tensor: Adam's moments to 1e-5; the weights' change to
	// 1e-4, since m/(√v+ε) magnifies rounding where a gradient is near 0.
	const tol, tolDelta = 1e-5, 1e-4
	ddp := readST(t, filepath.Join(dirs["ddp"], "ckpt-00000103.safetensors"))
	start := readST(t, filepath.Join(run0, "ckpt-00000100.safetensors"))
	worst := func(other string) (float64, string) {
		o := readST(t, filepath.Join(dirs[other], "ckpt-00000103.safetensors"))
		w, at := 0.0, ""
		for k, v := range ddp {
			if !strings.HasPrefix(k, "param.") && !strings.HasPrefix(k, "adam.m.") && !strings.HasPrefix(k, "adam.v.") {
				continue
			}
			a, b := o[k].Data, v.Data
			e := relErr(a, b)
			if strings.HasPrefix(k, "param.") { // weights: compare the 3 steps' change, in units of tol
				e = relErr(diff(a, start[k].Data), diff(b, start[k].Data)) * tol / tolDelta
			}
			if e > w || math.IsNaN(e) {
				w, at = e, k
			}
		}
		return w, at
	}
	e, at := worst("one")
	t.Logf("2 ranks × 32 vs 1 rank × 64: worst relative difference %.3g × tolerance (%s)", e/tol, at)
	if !(e <= tol) {
		t.Errorf("2 ranks × 32 and 1 rank × 64 differ at %s: %.3g × the tolerance", at, e/tol)
	}
	ec, atc := worst("control")
	t.Logf("control (other draws): worst relative difference %.3g × tolerance (%s)", ec/tol, atc)
	if !(ec > 100*tol) {
		t.Errorf("a run on other batches differs by only %.3g × the tolerance: the comparison cannot tell batches apart", ec/tol)
	}
	l2, err := train.ReadLosses(dirs["ddp"])
	if err != nil {
		t.Fatal(err)
	}
	l1, err := train.ReadLosses(dirs["one"])
	if err != nil {
		t.Fatal(err)
	}
	if len(l1) != 103 || len(l2) != 103 {
		t.Fatalf("loss curves of %d and %d steps, want 103 (100 of pfgm's, 3 of the twin's)", len(l2), len(l1))
	}
	for i := 100; i < 103; i++ {
		if d := math.Abs(l1[i]-l2[i]) / l1[i]; !(d <= tol) {
			t.Errorf("step %d: loss %v on 2 ranks, %v on 1 (relative %.3g)", i+1, l2[i], l1[i], d)
		}
	}
	t.Log(fmt.Sprint("losses 101–103: ", l2[100:]))
}

// diff is a − b.
func diff(a, b []float32) []float32 {
	out := make([]float32, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}
