package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/data"
)

func TestSampleYukawaExact(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "y.csv")
	code, _, stderr := runCLI("sample", "--exact", "--process", "yukawa", "--m", "1", "--D", "1",
		"--data", "toy:2clusters", "--charges", "200", "--n", "400", "--steps", "18", "--t-max", "20",
		"--seed", "1", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !regexp.MustCompile(`^nfe=35 ess_final=[0-9.]+ ess_min=[0-9.]+ resamplings=\d+ pareto_k=-?[0-9.]+ time=[0-9.]+s\n$`).MatchString(stderr) {
		t.Errorf("stderr %q, want one line nfe=35 ess_final=… ess_min=… resamplings=… pareto_k=… time=…s (no warning)", stderr)
	}
	p, err := data.ReadPoints(out)
	if err != nil || p.N() != 400 || p.Dim != 2 {
		t.Fatalf("read back %v, %v", p, err)
	}
	// Weighted sampling keeps the 80/20 split (400 particles: ±0.08 is ~4σ).
	var left int
	for i := range p.N() {
		if p.Row(i)[0] < 0 {
			left++
		}
	}
	if f := float64(left) / 400; f < 0.72 || f > 0.88 {
		t.Errorf("left cluster fraction %.3f, want 0.80 ± 0.08", f)
	}
}

// A mass far beyond the data's scale (m = 6 on standardised clusters 2.5
// apart) squeezes field lines into a sheet the prior misses: the command
// must say the result is unreliable (k̂ = 0.92 here; 0.34 at m = 1).
func TestSampleYukawaWarnsOnHeavyTail(t *testing.T) {
	out := filepath.Join(t.TempDir(), "y.csv")
	code, _, stderr := runCLI("sample", "--exact", "--process", "yukawa", "--m", "6", "--D", "1",
		"--data", "toy:2clusters", "--charges", "200", "--n", "4000", "--seed", "1", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: the weights' tail is too heavy") {
		t.Errorf("stderr %q: want the heavy-tail warning", stderr)
	}
}

func TestSampleYukawaErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "y.csv")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--process", "yukawa", "--D", "inf"}, "finite integer D"},
		{[]string{"--process", "yukawa", "--m", "-1"}, "mass"},
		{[]string{"--process", "yukawa", "--ess-threshold", "2"}, "ESS threshold"},
		{[]string{"--process", "coulomb"}, "want poisson or yukawa"},
	} {
		args := append([]string{"sample", "--exact", "--data", "toy:2clusters", "--charges", "50", "--n", "10", "--out", out}, c.args...)
		code, _, stderr := runCLI(args...)
		if code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want failure mentioning %q", c.args, code, stderr, c.want)
		}
	}
}
