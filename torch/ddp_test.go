package torch

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/metrics"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
)

// TestDDPRunIsAPfgmRun trains 30 steps on two Gloo processes from the
// config.json that pfgm wrote, then opens the result with pfgm's library as
// `pfgm sample --run` does, samples it and scores the samples as `pfgm eval`
// does.
func TestDDPRunIsAPfgmRun(t *testing.T) {
	t.Parallel()
	needTorch(t)
	tmp := t.TempDir()
	run0, run1 := filepath.Join(tmp, "run0"), filepath.Join(tmp, "run1")
	moons := pfgmRun(t, moonsConfig(20), run0)
	torchrun(t, 2, "--config", filepath.Join(run0, "config.json"), "--out", run1, "--steps", "30", "--data", moons)

	c0, err := train.LoadConfig(run0)
	if err != nil {
		t.Fatal(err)
	}
	c1, err := train.LoadConfig(run1)
	if err != nil {
		t.Fatalf("pfgm cannot read the twin's config.json: %v", err)
	}
	if c1.Steps != 30 || c1.Data != moons {
		t.Errorf("twin's config: steps %d, data %q; want 30 and %q", c1.Steps, c1.Data, moons)
	}
	c0.Steps, c0.Data = c1.Steps, c1.Data
	if b0, b1 := mustJSON(t, c0), mustJSON(t, c1); b0 != b1 {
		t.Errorf("the twin changed the config beyond steps and data:\n%s\n%s", b0, b1)
	}
	losses, err := train.ReadLosses(run1)
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) != 30 {
		t.Fatalf("loss.csv has %d steps, want 30", len(losses))
	}
	for i, l := range losses {
		if !(l > 0) || math.IsInf(l, 0) {
			t.Fatalf("loss at step %d is %v", i+1, l)
		}
	}
	// model.safetensors holds the EMA of the final checkpoint.
	ema, model := readST(t, filepath.Join(run1, "ckpt-00000030.safetensors")), readST(t, filepath.Join(run1, "model.safetensors"))
	for k, v := range model {
		if e := relErr(v.Data, ema["ema."+k[len("param."):]].Data); e != 0 {
			t.Errorf("model.safetensors %s differs from the checkpoint's EMA (relative %.3g)", k, e)
		}
	}

	m, err := train.Open(run1)
	if err != nil {
		t.Fatalf("pfgm cannot open the twin's run: %v", err)
	}
	const n = 1000
	x, res, err := m.Sample(context.Background(), n, 256, sampler.DefaultOptions(), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatalf("pfgm cannot sample the twin's run: %v", err)
	}
	ref, err := data.Load(c1.Data, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := metrics.Compare(ref, &data.Points{Dim: 2, X: x}, metrics.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d samples in %d evaluations: sw2 %.3g (floor %.3g, ratio %.3g), mmd %.3g", n, res.NFE, rep.SW2, rep.SW2Floor, rep.SW2Ratio, rep.MMD)
	if !(rep.SW2 > 0) || math.IsInf(rep.SW2, 0) || math.IsNaN(rep.MMD) {
		t.Errorf("eval of the samples: %+v", rep)
	}
}
