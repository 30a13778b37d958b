package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pfgm/pfgm/train"
)

// Every command answers an unknown flag with one line and a pointer to its
// help, exit 2, and nothing on stdout.
func TestFlagErrorsAreOneLine(t *testing.T) {
	for _, cmd := range [][]string{{"data"}, {"sample"}, {"eval"}, {"plot"}, {"field"}, {"train"}, {"demo"}, {"likelihood"}, {"bench", "gemm"}, {"bench", "unet"}} {
		checkFailures(t, cmd, []failCase{{[]string{"--bogus"}, 2, "unknown flag: --bogus"}})
		name := "pfgm " + strings.Join(cmd, " ")
		_, _, stderr := runCLI(append(cmd, "--bogus")...)
		if want := "see '" + name + " --help'\n"; !strings.HasSuffix(stderr, want) {
			t.Errorf("%s --bogus: stderr %q does not end with %q", name, stderr, want)
		}
	}
	checkFailures(t, nil, []failCase{{[]string{"nope"}, 2, `unknown command "nope"`}})
}

// Help goes to stdout with exit 0, and `pfgm help CMD` is `pfgm CMD --help`.
func TestHelpOnStdout(t *testing.T) {
	for _, cmd := range []string{"data", "sample", "eval", "plot", "field", "train", "demo", "likelihood", "bench"} {
		code, stdout, stderr := runCLI(cmd, "--help")
		if code != 0 || stderr != "" || !strings.Contains(stdout, "Usage:") || !strings.Contains(stdout, "--threads") {
			t.Errorf("%s --help: exit %d, stdout %d bytes, stderr %q", cmd, code, len(stdout), stderr)
		}
		code, viaHelp, _ := runCLI("help", cmd)
		if code != 0 || viaHelp != stdout {
			t.Errorf("help %s: exit %d, differs from %s --help", cmd, code, cmd)
		}
	}
	_, stdout, _ := runCLI("help", "sample")
	for _, want := range []string{"--exact", "--run", "--charges", "--process", "--max-memory"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help sample lacks %s", want)
		}
	}
	if strings.Contains(stdout, "--toy-n") {
		t.Error("help sample shows a deprecated flag")
	}
	code, stdout, _ := runCLI("--help")
	if code != 0 || !strings.Contains(stdout, "completion") || !strings.Contains(stdout, "sample") {
		t.Errorf("pfgm --help: exit %d: %q", code, stdout)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, stderr := runCLI("--version")
	if code != 0 || !strings.HasPrefix(stdout, "pfgm ") || !strings.Contains(stdout, runtime.Version()) || stderr != "" {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "bash completion", "zsh": "#compdef pfgm", "fish": "complete -c pfgm"} {
		code, stdout, stderr := runCLI("completion", shell)
		if code != 0 || !strings.Contains(stdout, want) || stderr != "" {
			t.Errorf("completion %s: exit %d, stderr %q, stdout lacks %q", shell, code, stderr, want)
		}
	}
}

// trainTiny trains a 30-step MLP on moons in dir and returns dir.
func trainTiny(t *testing.T, extra ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	args := append([]string{"train", "--data", "toy:moons", "--charges", "200", "--width", "16", "--steps", "30", "--batch", "16", "--D", "4", "--out", dir}, extra...)
	if code, _, stderr := runCLI(args...); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	return dir
}

// Flags that contradict each other or would be ignored are refused, each
// with its reason.
func TestContradictionsRefused(t *testing.T) {
	run := trainTiny(t)
	out := filepath.Join(t.TempDir(), "s.csv")
	checkFailures(t, []string{"train"}, []failCase{
		{[]string{"--resume", "--out", run, "--steps", "10"}, 1, "steps 10 is below the run's 30"},
		{[]string{"--resume", "--out", run, "--lr", "0.5"}, 1, "lr 0.5 contradicts the run's"},
		{[]string{"--resume", "--out", run, "--D", "8"}, 1, "D 8 contradicts the run's 4"},
		{[]string{"--resume", "--out", run, "--width", "32"}, 1, "width 32 contradicts the run's 16"},
		{[]string{"--data", "toy:moons", "--m", "1", "--out", filepath.Join(t.TempDir(), "x")}, 2, "--m belongs to --process yukawa"},
		{[]string{"--data", "toy:moons", "--image-size", "8", "--out", filepath.Join(t.TempDir(), "x")}, 2, "--image-size is for image data"},
		{[]string{"--data", "toy:moons", "--charges", "10", "--toy-n", "10", "--out", filepath.Join(t.TempDir(), "x")}, 2, "give one of them"},
		{[]string{"--data", "toy:moons", "--batch", "100000000", "--out", filepath.Join(t.TempDir(), "x")}, 1, "more than the limit"},
	})
	for _, flag := range [][]string{{"--process", "yukawa"}, {"--m", "2"}, {"--t-max", "5"}, {"--ess-threshold", "0.5"}, {"--data", "toy:moons"}, {"--charges", "5"}} {
		checkFailures(t, []string{"sample", "--run", run, "--out", out}, []failCase{{flag, 2, flag[0] + " comes from the run"}})
	}
	checkFailures(t, []string{"sample", "--run", run, "--out", out}, []failCase{{[]string{"--D", "8"}, 2, "trained with D=4"}})
	checkFailures(t, []string{"plot"}, []failCase{
		{[]string{"--loss", run, "--trajectories", "--data", "toy:moons", "--out", filepath.Join(t.TempDir(), "p.png")}, 2, "give one of them"},
		{[]string{"--loss", run, "--D", "4", "--out", filepath.Join(t.TempDir(), "p.png")}, 2, "--D does not apply to --loss"},
	})
	// The same values as the run's are no contradiction, and a larger
	// --steps continues it.
	if code, _, stderr := runCLI("train", "--resume", "--out", run, "--D", "4", "--width", "16", "--steps", "40"); code != 0 {
		t.Fatalf("resume with the run's own settings: exit %d: %s", code, stderr)
	}
	// Without --steps a resumed run keeps its own total (40), not the
	// flag's default (5000).
	if code, _, stderr := runCLI("train", "--resume", "--out", run); code != 0 {
		t.Fatalf("resume without --steps: exit %d: %s", code, stderr)
	}
	if c, err := train.LoadConfig(run); err != nil || c.Steps != 40 {
		t.Fatalf("resume without --steps: config steps %v (%v), want 40", c.Steps, err)
	}
	// Sampling the run uses its settings and prints the evaluation count.
	code, _, stderr := runCLI("sample", "--run", run, "--n", "30", "--steps", "6", "--out", out)
	if code != 0 || !strings.HasPrefix(stderr, "nfe=11 ") {
		t.Fatalf("sample --run: exit %d: %q", code, stderr)
	}
}

// The old spellings keep working, with a notice on stderr.
func TestDeprecatedAliases(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.csv")
	code, _, stderr := runCLI("data", "--toy", "moons", "--n", "50", "--out", path)
	if code != 0 || !strings.Contains(stderr, "--toy is deprecated, use --data toy:NAME") {
		t.Fatalf("data --toy: exit %d: %q", code, stderr)
	}
	code, _, stderr = runCLI("data", "--data", "toy:moons", "--n", "50", "--out", filepath.Join(dir, "m2.csv"))
	if code != 0 || strings.Contains(stderr, "deprecated") {
		t.Fatalf("data --data: exit %d: %q", code, stderr)
	}
	a, _ := os.ReadFile(path)
	b, _ := os.ReadFile(filepath.Join(dir, "m2.csv"))
	if !bytes.Equal(a, b) {
		t.Error("data --toy moons and --data toy:moons wrote different points")
	}
	run := filepath.Join(dir, "run")
	code, _, stderr = runCLI("train", "--data", "toy:moons", "--toy-n", "100", "--width", "8", "--steps", "5", "--batch", "8", "--out", run)
	if code != 0 || !strings.Contains(stderr, "--toy-n is deprecated, use --charges") {
		t.Fatalf("train --toy-n: exit %d: %q", code, stderr)
	}
	cfg, _ := os.ReadFile(filepath.Join(run, "config.json"))
	if !strings.Contains(string(cfg), `"toy_count": 100`) {
		t.Errorf("--toy-n 100 did not reach the config: %s", cfg)
	}
}

// A cancelled context (what SIGINT and SIGTERM do) stops train after a
// checkpoint with exit 130 (143 for SIGTERM), and stops sample with 130
// and one line.
func TestSignalExitCodes(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(signalled{sig})
		dir := filepath.Join(t.TempDir(), "run")
		var out, errOut bytes.Buffer
		code := runContext(ctx, []string{"train", "--data", "toy:moons", "--charges", "100", "--width", "8", "--steps", "50", "--batch", "8", "--out", dir}, &out, &errOut)
		if code != want || !strings.Contains(errOut.String(), "pfgm train: interrupted at step 0") {
			t.Errorf("train after %v: exit %d, stderr %q; want %d", sig, code, errOut.String(), want)
		}
		if ck, _ := filepath.Glob(filepath.Join(dir, "ckpt-*")); len(ck) != 1 {
			t.Errorf("train after %v: checkpoints %v, want one", sig, ck)
		}
	}
	// Cancelled while the field's workers run (or before, on a slow
	// machine): either way one line, not one "context canceled" a worker.
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(100*time.Millisecond, func() { cancel(signalled{syscall.SIGINT}) })
	var out, errOut bytes.Buffer
	code := runContext(ctx, []string{"sample", "--exact", "--data", "toy:moons", "--n", "20000", "--out", filepath.Join(t.TempDir(), "s.csv")}, &out, &errOut)
	if code != 130 || errOut.String() != "pfgm sample: interrupted\n" {
		t.Errorf("sample after SIGINT: exit %d, stderr %q", code, errOut.String())
	}
}

// An output that is one of the inputs is refused before any work, and the
// input is kept.
func TestOutputNeverOverwritesInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.csv")
	if code, _, stderr := runCLI("data", "--data", "toy:moons", "--n", "100", "--out", in); code != 0 {
		t.Fatal(stderr)
	}
	before, _ := os.ReadFile(in)
	checkFailures(t, nil, []failCase{
		{[]string{"sample", "--exact", "--data", in, "--n", "5", "--out", in}, 1, "is the input"},
		{[]string{"sample", "--exact", "--data", in, "--n", "5", "--out", filepath.Join(dir, ".", "x.csv")}, 1, "is the input"},
		{[]string{"sample", "--exact", "--data", in, "--n", "5", "--out", filepath.Join(dir, "none", "y.csv")}, 1, "no such file"},
	})
	after, _ := os.ReadFile(in)
	if !bytes.Equal(before, after) {
		t.Error("the input changed")
	}
}

// The memory limit refuses a job with a clear message; raised, it lets the
// same job run.
func TestMaxMemoryFlag(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.csv")
	args := []string{"sample", "--exact", "--data", "toy:moons", "--charges", "500", "--n", "2000", "--steps", "4", "--out", out}
	checkFailures(t, nil, []failCase{{append(args, "--max-memory", "64K"), 1, "more than the limit of 64 KiB"}})
	_, _, stderr := runCLI(append(args, "--max-memory", "64K")...)
	if !strings.Contains(stderr, "--max-memory") || !strings.Contains(stderr, "2000 samples") {
		t.Errorf("the message does not say what is large or how to raise the limit: %q", stderr)
	}
	if code, _, stderr := runCLI(append(args, "--max-memory", "1M")...); code != 0 {
		t.Errorf("raised to 1M: exit %d: %s", code, stderr)
	}
}

// --threads is accepted by every command and sets GOMAXPROCS.
func TestThreadsEverywhere(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	out := filepath.Join(t.TempDir(), "d.csv")
	if code, _, stderr := runCLI("data", "--data", "toy:moons", "--n", "10", "--threads", "1", "--seed", "0", "--out", out); code != 0 {
		t.Fatalf("data --threads 1 --seed 0: exit %d: %s", code, stderr)
	}
	if runtime.GOMAXPROCS(0) != 1 {
		t.Errorf("GOMAXPROCS = %d after --threads 1", runtime.GOMAXPROCS(0))
	}
}

// demo has no --resume: a second demo into the same directory is refused
// with advice that applies to it.
func TestDemoRefusesItsOwnOutput(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "D-4"), 0o755)
	os.WriteFile(filepath.Join(dir, "D-4", "config.json"), []byte("{}"), 0o644)
	code, _, stderr := runCLI("demo", "--out", dir)
	if code != 1 || !strings.Contains(stderr, "already holds a demo") || strings.Contains(stderr, "--resume") {
		t.Errorf("demo into a demo: exit %d: %q", code, stderr)
	}
}
