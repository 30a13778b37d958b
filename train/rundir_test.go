package train

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/nn"
)

// writePoints writes n points of toy:2clusters to dir/name and returns the path.
func writePoints(t *testing.T, dir, name string, n int, seed uint64) string {
	t.Helper()
	p, err := data.Toy("2clusters", n, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := data.WritePoints(path, p); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustLosses(t *testing.T, dir string) []float64 {
	t.Helper()
	l, err := readLosses(dir, math.MaxInt)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// A trained Yukawa run samples with its training data gone: the prior
// charges live in the run, and the weights' diagnostics come back.
func TestYukawaRunSamplesWithoutItsData(t *testing.T) {
	ctx := context.Background()
	csv := writePoints(t, t.TempDir(), "points.csv", 300, 7)
	c := yukawaTiny(30)
	c.Data = csv
	dir := t.TempDir()
	if _, err := Train(ctx, c, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	before, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	opt := before.Config.SampleOptions()
	xa, _, err := before.Sample(ctx, 200, 100, opt, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(csv); err != nil {
		t.Fatal(err)
	}
	m, err := Open(dir)
	if err != nil {
		t.Fatalf("open without the training data: %v", err)
	}
	xb, res, err := m.Sample(ctx, 200, 100, opt, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatalf("sample without the training data: %v", err)
	}
	if !slices.Equal(xa, xb) {
		t.Error("samples differ once the training data are gone")
	}
	w := res.Weights
	if w == nil {
		t.Fatal("no weight diagnostics in a Yukawa run's sample result")
	}
	if !(w.FinalESS > 0 && w.FinalESS <= 1 && w.MinESS > 0 && w.MinESS <= 1) {
		t.Errorf("ESS final %v, min %v: want fractions in (0, 1]", w.FinalESS, w.MinESS)
	}
	// 200 particles: fewer than 100 effective ones must be warned about.
	if eff := w.FinalESS * 200; (eff < 100 || w.ParetoK > 0.7) != (w.Warning != "") {
		t.Errorf("ESS·n = %.0f, k̂ = %.2f, warning %q: the warning does not match the numbers", eff, w.ParetoK, w.Warning)
	}
	if len(m.Warnings) != 0 {
		t.Errorf("warnings opening an intact run: %q", m.Warnings)
	}
	xc, _, yr, err := m.SampleWeighted(ctx, 200, 100, opt, rand.New(rand.NewPCG(1, 2)))
	if err != nil || !slices.Equal(xc, xb) || yr.FinalESS != w.FinalESS || yr.Warning() != w.Warning {
		t.Errorf("SampleWeighted: %v, ESS %v (Sample: %v), same samples %v", err, yr.FinalESS, w.FinalESS, slices.Equal(xc, xb))
	}
}

// Training-time sample grids of a Yukawa run use its sampling defaults
// (σ_max 5, 40 steps), not the global ones (σ_max 80, 18 steps).
func TestYukawaGridUsesRunDefaults(t *testing.T) {
	c := yukawaTiny(1)
	c.Dim = 2
	x := make([]float32, 2*200)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	tr, err := NewInMemory(c, x)
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := tr.SampleGrid(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	want := tr.Config.SampleOptions()
	if len(res.Sigmas) != want.Steps+1 || math.Abs(res.Sigmas[0]-want.SigmaMax) > 1e-6*want.SigmaMax {
		t.Errorf("grid: %d noise levels from σ = %v, want %d from %v", len(res.Sigmas), res.Sigmas[0], want.Steps+1, want.SigmaMax)
	}
	if res.Weights == nil {
		t.Error("grid of a Yukawa run: no weight diagnostics")
	}
}

// A truncated newest checkpoint is skipped for the previous one with a
// warning, and the resumed run still equals the uninterrupted one; Open
// falls back the same way past a corrupted model.safetensors.
func TestCorruptNewestCheckpointFallsBack(t *testing.T) {
	ctx := context.Background()
	ref := tinyConfig(16, 40)
	ref.CheckpointEvery = 10
	dirA := t.TempDir()
	if _, err := Train(ctx, ref, Options{Dir: dirA}); err != nil {
		t.Fatal(err)
	}
	c := tinyConfig(16, 30)
	c.CheckpointEvery = 10
	dir := t.TempDir()
	if _, err := Train(ctx, c, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	truncate := func(name string) {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	truncate(checkpointName(30))
	truncate(finalModel)

	m, err := Open(dir)
	if err != nil {
		t.Fatalf("open with a corrupted model and newest checkpoint: %v", err)
	}
	if len(m.Warnings) != 2 || !strings.Contains(m.Warnings[0], finalModel) || !strings.Contains(m.Warnings[1], checkpointName(30)) || !strings.Contains(m.Warnings[1], checkpointName(20)) {
		t.Errorf("open warnings %q: want the skipped %s and %s, and %s used", m.Warnings, finalModel, checkpointName(30), checkpointName(20))
	}

	var log bytes.Buffer
	tr, err := Train(ctx, &Config{Steps: 40}, Options{Dir: dir, Resume: true, Log: &log})
	if err != nil {
		t.Fatalf("resume past a truncated checkpoint: %v", err)
	}
	if len(tr.Warnings) != 1 || !strings.Contains(tr.Warnings[0], checkpointName(30)) || !strings.Contains(log.String(), "warning: ") {
		t.Errorf("resume warnings %q, log %q: want one naming %s, logged", tr.Warnings, log.String(), checkpointName(30))
	}
	if a, b := mustLosses(t, dirA), mustLosses(t, dir); !slices.Equal(a, b) {
		t.Errorf("loss curves differ after resuming from the previous checkpoint (%d and %d rows)", len(a), len(b))
	}
}

// Interrupted atomic writes leave ".NAME.tmp-N" files; a resume removes
// those of the run's own files and nothing else.
func TestStaleTempsAreRemoved(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := tinyConfig(16, 10)
	c.CheckpointEvery = 5
	if _, err := Train(ctx, c, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	stale := []string{".ckpt-00000015.safetensors.tmp-123456", ".loss.csv.tmp-42", ".model.safetensors.tmp-7", ".config.json.tmp-1"}
	keep := []string{".notes.txt.tmp-9", "ckpt-7.safetensors", "ckpt-00000003.safetensors.bak"}
	for _, n := range append(slices.Clone(stale), keep...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var log bytes.Buffer
	c2 := tinyConfig(16, 30)
	if _, err := Train(ctx, c2, Options{Dir: dir, Resume: true, Log: &log}); err != nil {
		t.Fatal(err)
	}
	for _, n := range stale {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale %s survived the resume", n)
		}
	}
	for _, n := range keep { // the run did not write these: not its temps, not its checkpoints
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s, not the run's, was removed: %v", n, err)
		}
	}
	if !strings.Contains(log.String(), "stale") {
		t.Errorf("log %q does not report the removal", log.String())
	}
}

// A run killed before its first checkpoint (config.json only) is not a
// dead end: a fresh train says to resume, and resume starts from step 0.
func TestRunWithoutCheckpointResumes(t *testing.T) {
	ctx := context.Background()
	dirA := t.TempDir()
	if _, err := Train(ctx, tinyConfig(16, 12), Options{Dir: dirA}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Train(ctx, tinyConfig(16, 12), Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents { // what a kill before the first checkpoint leaves
		if e.Name() != configFile && e.Name() != lockFile {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	_, err := Train(ctx, tinyConfig(16, 12), Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "--resume") || !strings.Contains(err.Error(), "before its first checkpoint") {
		t.Errorf("fresh train on a run without checkpoints: got %v, want a hint to --resume", err)
	}
	tr, err := Train(ctx, nil, Options{Dir: dir, Resume: true})
	if err != nil {
		t.Fatalf("resume without a checkpoint: %v", err)
	}
	if len(tr.Warnings) != 1 || !strings.Contains(tr.Warnings[0], "step 0") {
		t.Errorf("warnings %q: want one saying the run starts from step 0", tr.Warnings)
	}
	if a, b := mustLosses(t, dirA), mustLosses(t, dir); !slices.Equal(a, b) {
		t.Error("the run restarted from step 0 differs from an uninterrupted one")
	}
}

// A directory being trained is locked: a second trainer is refused; once
// the lock is released (as the kernel does when its holder dies), the
// leftover lock file does not block.
func TestRunDirectoryIsLocked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var second error
	_, err := Train(ctx, tinyConfig(16, 3), Options{Dir: dir, OnStep: func(step int) {
		if step == 1 {
			_, second = Train(ctx, nil, Options{Dir: dir, Resume: true})
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if second == nil || !strings.Contains(second.Error(), "another process") {
		t.Errorf("second trainer on a busy directory: got %v, want it refused", second)
	}
	if _, err := os.Stat(filepath.Join(dir, lockFile)); err != nil {
		t.Fatalf("no lock file left behind to test staleness: %v", err)
	}
	if _, err := Train(ctx, &Config{Steps: 5}, Options{Dir: dir, Resume: true}); err != nil {
		t.Errorf("resume with a released lock file present: %v", err)
	}
}

// train refuses a directory holding someone's files but no run, and
// touches none of them.
func TestNonRunDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	theirs := map[string]string{"notes.txt": "mine", "loss.csv": "x,y\n", checkpointName(1): "not a checkpoint"}
	for n, s := range theirs {
		os.WriteFile(filepath.Join(dir, n), []byte(s), 0o644)
	}
	_, err := Train(context.Background(), tinyConfig(16, 2), Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "holds no run") {
		t.Fatalf("got %v, want a refusal of a non-empty directory without a run", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != len(theirs) {
		t.Errorf("the directory now holds %d entries, want the %d it had", len(ents), len(theirs))
	}
	for n, s := range theirs {
		if b, _ := os.ReadFile(filepath.Join(dir, n)); string(b) != s {
			t.Errorf("%s changed", n)
		}
	}
}

// The data path is stored absolute: a run resumes from another working
// directory.
func TestDataPathIsAbsolute(t *testing.T) {
	ctx := context.Background()
	work := t.TempDir()
	writePoints(t, work, "pts.csv", 200, 3)
	dir := filepath.Join(t.TempDir(), "run")
	t.Chdir(work)
	c := tinyConfig(16, 5)
	c.Data, c.CheckpointEvery = "pts.csv", 5
	if _, err := Train(ctx, c, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	saved, err := LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(work, "pts.csv"); saved.Data != want {
		t.Errorf("stored data %q, want %q", saved.Data, want)
	}
	t.Chdir(t.TempDir())
	if _, err := Train(ctx, &Config{Steps: 8}, Options{Dir: dir, Resume: true}); err != nil {
		t.Errorf("resume from another directory: %v", err)
	}
}

// Changed data of the same shape are refused on resume (fingerprint).
func TestChangedDataIsRefusedOnResume(t *testing.T) {
	ctx := context.Background()
	work := t.TempDir()
	csv := writePoints(t, work, "pts.csv", 200, 3)
	c := tinyConfig(16, 5)
	c.Data, c.CheckpointEvery = csv, 5
	dir := t.TempDir()
	if _, err := Train(ctx, c, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	saved, _ := LoadConfig(dir)
	if !isSHA256(saved.DataSHA256) {
		t.Fatalf("no data fingerprint in the config: %q", saved.DataSHA256)
	}
	writePoints(t, work, "pts.csv", 200, 4) // same shape, other points
	_, err := Train(ctx, &Config{Steps: 8}, Options{Dir: dir, Resume: true})
	if err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("resume on changed data: got %v, want a refusal", err)
	}
	writePoints(t, work, "pts.csv", 200, 3) // restored
	if _, err := Train(ctx, &Config{Steps: 8}, Options{Dir: dir, Resume: true}); err != nil {
		t.Errorf("resume on the restored data: %v", err)
	}
}

// A deleted loss.csv is an error on resume, not a curve restarting at row 1.
func TestDeletedLossCurveIsAnError(t *testing.T) {
	ctx := context.Background()
	c := tinyConfig(16, 10)
	c.CheckpointEvery = 5
	dir := t.TempDir()
	cctx, cancel := context.WithCancel(ctx)
	_, err := Train(cctx, c, Options{Dir: dir, OnStep: func(s int) {
		if s == 7 {
			cancel()
		}
	}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, lossFile))
	_, err = Train(ctx, nil, Options{Dir: dir, Resume: true})
	if err == nil || !strings.Contains(err.Error(), lossFile) {
		t.Errorf("resume without %s: got %v, want an error naming it", lossFile, err)
	}
}

// BuildModel, WithArchitecture and WithDataDefaults leave their input alone.
func TestConfigHelpersDoNotMutate(t *testing.T) {
	c := tinyConfig(16, 5)
	c.Dim = 2
	m := *c.MLP
	m.N, m.Out = 0, 0
	c.MLP = &m
	before := *c.MLP
	if _, err := BuildModel(*c, rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Fatal(err)
	}
	full, err := c.WithArchitecture()
	if err != nil {
		t.Fatal(err)
	}
	if *c.MLP != before || full.MLP == c.MLP || full.MLP.N != 2 || full.MLP.Out != 2 {
		t.Errorf("input MLP %+v (was %+v), completed %+v", *c.MLP, before, *full.MLP)
	}
	u := DefaultConfig()
	u.Model, u.Dim, u.ImageC, u.ImageH, u.ImageW = "unet", 64, 1, 8, 8
	u.UNet = &nn.UNetConfig{Channels: []int{4, 8}}
	fu, err := u.WithArchitecture()
	if err != nil {
		t.Fatal(err)
	}
	if u.UNet.ResBlocks != 0 || u.UNet.C != 0 || fu.UNet.ResBlocks == 0 || fu.UNet.C != 1 {
		t.Errorf("input U-Net %+v, completed %+v", *u.UNet, *fu.UNet)
	}
}

// TestLockHolderProcess is the child of TestLockOfKilledTrainerIsReleased:
// it takes the lock of $PFGM_LOCK_DIR, says so and waits to be killed.
func TestLockHolderProcess(t *testing.T) {
	dir := os.Getenv("PFGM_LOCK_DIR")
	if dir == "" {
		t.Skip("helper process for TestLockOfKilledTrainerIsReleased")
	}
	if _, err := lockRun(dir); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("locked\n")
	select {}
}

// Another process training a directory blocks a trainer; once that process
// is killed (kill -9, no clean-up), the kernel releases its lock and the
// run resumes.
func TestLockOfKilledTrainerIsReleased(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := Train(ctx, tinyConfig(16, 2), Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderProcess$")
	cmd.Env = append(os.Environ(), "PFGM_LOCK_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper process: %q, %v", line, err)
	}
	if _, err := Train(ctx, &Config{Steps: 4}, Options{Dir: dir, Resume: true}); err == nil || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("resume while another process holds the lock: got %v, want a refusal", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := Train(ctx, &Config{Steps: 4}, Options{Dir: dir, Resume: true}); err != nil {
		t.Errorf("resume after the lock holder was killed: %v", err)
	}
}

// A Yukawa run of an earlier version (no prior.safetensors) still samples,
// from its training data and with a warning, and a resume stores the prior.
func TestYukawaRunWithoutStoredPrior(t *testing.T) {
	ctx := context.Background()
	c := yukawaTiny(5)
	c.CheckpointEvery = 5
	dir := t.TempDir()
	if _, err := Train(ctx, c, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, priorFile))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, priorFile))
	m, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], priorFile) {
		t.Errorf("warnings %q: want one about the missing %s", m.Warnings, priorFile)
	}
	if _, err := Train(ctx, &Config{Steps: 6}, Options{Dir: dir, Resume: true}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, priorFile)); err != nil || !bytes.Equal(got, want) {
		t.Errorf("the resume did not restore the same %s (%v)", priorFile, err)
	}
}
