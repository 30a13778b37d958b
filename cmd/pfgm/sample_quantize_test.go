package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// --quantize rounds the run's weights and says so; without --prior-quantile
// a D = 1 run warns about its heavy tail, with it the warning goes away.
func TestSampleQuantizeAndPriorQuantile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI("train", "--data", "toy:moons", "--toy-n", "200", "--width", "16", "--steps", "20", "--batch", "16", "--D", "1", "--out", dir); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	out := filepath.Join(t.TempDir(), "s.csv")
	code, _, stderr := runCLI("sample", "--run", dir, "--n", "50", "--steps", "4", "--quantize", "4", "--out", out)
	if code != 0 || !strings.Contains(stderr, "to 4 bits") || !strings.Contains(stderr, "warning: D=1") {
		t.Errorf("--quantize 4: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI("sample", "--run", dir, "--n", "50", "--steps", "4", "--prior-quantile", "0.95", "--out", out)
	if code != 0 || strings.Contains(stderr, "warning") {
		t.Errorf("--prior-quantile 0.95: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI("sample", "--run", dir, "--n", "50", "--steps", "4", "--solver", "edm-sde", "--out", out)
	if code != 0 || !strings.Contains(stderr, "nfe=7") {
		t.Errorf("--solver edm-sde: exit %d, stderr %q", code, stderr)
	}
	checkFailures(t, []string{"sample"}, []failCase{
		{[]string{"--exact", "--data", "toy:moons", "--quantize", "4", "--out", out}, 2, "--quantize belongs to --run"},
		{[]string{"--run", dir, "--quantize", "99", "--out", out}, 2, "bits must be in"},
		{[]string{"--run", dir, "--prior-quantile", "2", "--out", out}, 1, "prior quantile"},
	})
}
