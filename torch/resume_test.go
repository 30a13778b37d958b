package torch

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/pfgm/pfgm/train"
)

// TestResumeAcrossSides hands a run from pfgm to the twin at step 100 and
// back to pfgm at step 200, and compares the loss curve with pfgm's own
// uninterrupted run to 300 (same config, same checkpoint at 100).
//
// Criterion: for each handover h, the mean loss of the W = 50 steps after h
// differs from the uninterrupted run's mean over the same steps by at most
// 4 standard errors (SE² = var_a/W + var_b/W of the per-step losses). The
// per-step loss is noisy (σ and the data are drawn afresh each step), so
// the check is on window means. A control shows the criterion has power:
// the first W steps of the run, where a resume that lost the weights would
// start again, must be more than 6 SE above the same reference.
func TestResumeAcrossSides(t *testing.T) {
	t.Parallel()
	needTorch(t)
	const W, maxZ, minControlZ = 50, 4.0, 6.0
	tmp := t.TempDir()
	ref, mixed := filepath.Join(tmp, "pfgm"), filepath.Join(tmp, "mixed")
	moons := pfgmRun(t, moonsConfig(300), ref)

	// pfgm → twin at 100: the twin continues ref's checkpoint to 200 in mixed.
	twin(t, "--resume", filepath.Join(ref, "ckpt-00000100.safetensors"), "--out", mixed, "--steps", "200", "--data", moons)
	// twin → pfgm at 200: pfgm resumes the twin's run in place to 300.
	c := moonsConfig(300)
	if _, err := train.Train(context.Background(), &c, train.Options{Dir: mixed, Resume: true}); err != nil {
		t.Fatalf("pfgm cannot resume the twin's run: %v", err)
	}

	lr, err := train.ReadLosses(ref)
	if err != nil {
		t.Fatal(err)
	}
	lm, err := train.ReadLosses(mixed)
	if err != nil {
		t.Fatal(err)
	}
	if len(lr) != 300 || len(lm) != 300 {
		t.Fatalf("loss curves of %d and %d steps, want 300", len(lr), len(lm))
	}
	for i := range 100 {
		if lm[i] != lr[i] {
			t.Fatalf("step %d: the twin's loss.csv has %v, pfgm's history %v", i+1, lm[i], lr[i])
		}
	}
	for _, h := range []struct {
		step int
		what string
	}{{100, "pfgm → twin"}, {200, "twin → pfgm"}} {
		a, b := lm[h.step:h.step+W], lr[h.step:h.step+W]
		se := math.Sqrt(variance(a)/W + variance(b)/W)
		z := (mean(a) - mean(b)) / se
		z0 := (mean(lr[:W]) - mean(b)) / se
		t.Logf("%s at step %d: mean loss of the next %d steps %.4f, uninterrupted %.4f (z = %.2f); the last %d before %.4f; first %d steps of the run %.4f (z = %.1f)",
			h.what, h.step, W, mean(a), mean(b), z, W, mean(lm[h.step-W:h.step]), W, mean(lr[:W]), z0)
		if !(math.Abs(z) <= maxZ) {
			t.Errorf("%s at step %d: the loss jumps by %.2f standard errors (> %g)", h.what, h.step, z, maxZ)
		}
		if !(z0 > minControlZ) {
			t.Errorf("control: a restart from scratch would be only %.2f SE above the curve (≤ %g): the criterion has no power", z0, minControlZ)
		}
	}
	// The run is still a pfgm run after both handovers.
	if _, err := os.Stat(filepath.Join(mixed, "model.safetensors")); err != nil {
		t.Error(err)
	}
}

// variance is the sample variance of xs.
func variance(xs []float64) float64 {
	m, s := mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return s / float64(len(xs)-1)
}
