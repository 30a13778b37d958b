package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/data"
)

// likelihoodRun trains a tiny run on a 2-D Gaussian in odd units and
// returns its directory and the data file.
func likelihoodRun(t *testing.T) (run, csv string) {
	t.Helper()
	dir := t.TempDir()
	csv = filepath.Join(dir, "g.csv")
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("a,b\n")
	for range 300 {
		fmt.Fprintf(&b, "%g,%g\n", 3+0.2*rng.NormFloat64(), -50+40*rng.NormFloat64())
	}
	if err := os.WriteFile(csv, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run = filepath.Join(dir, "run")
	if code, _, stderr := runCLI("train", "--data", csv, "--width", "16", "--steps", "30", "--batch", "16", "--out", run); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	return run, csv
}

type likelihoodJSON struct {
	NLL     *float64 `json:"nll"`
	BPD     *float64 `json:"bpd"`
	N       *int     `json:"n"`
	NFEMean *float64 `json:"nfe_mean"`
}

func runLikelihoodJSON(t *testing.T, args ...string) likelihoodJSON {
	t.Helper()
	code, stdout, stderr := runCLI(append([]string{"likelihood"}, args...)...)
	if code != 0 {
		t.Fatalf("likelihood %v: exit %d: %s", args, code, stderr)
	}
	var r likelihoodJSON
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("not one JSON line: %q (%v)", stdout, err)
	}
	if r.NLL == nil || r.BPD == nil || r.N == nil || r.NFEMean == nil {
		t.Fatalf("missing fields in %s", stdout)
	}
	return r
}

// One JSON line with nll, bpd = nll/(N ln 2) for points, n as asked, and
// the exact divergence by default in 2-D (same answer as --hutchinson 0).
func TestLikelihoodCLI(t *testing.T) {
	run, csv := likelihoodRun(t)
	all := runLikelihoodJSON(t, "--run", run, "--data", csv, "--rtol", "1e-3")
	if *all.N != 300 {
		t.Errorf("without --n: n = %d, want all 300 points of the file", *all.N)
	}
	def := runLikelihoodJSON(t, "--run", run, "--data", csv, "--n", "40")
	if *def.N != 40 || math.IsNaN(*def.NLL) || math.IsInf(*def.NLL, 0) || *def.NFEMean < 7 {
		t.Errorf("n %d, nll %v, nfe_mean %v", *def.N, *def.NLL, *def.NFEMean)
	}
	if want := *def.NLL / (2 * math.Ln2); math.Abs(*def.BPD-want) > 1e-9 {
		t.Errorf("bpd %v, want nll/(2 ln 2) = %v", *def.BPD, want)
	}
	exact := runLikelihoodJSON(t, "--run", run, "--data", csv, "--n", "40", "--hutchinson", "0")
	if *exact.NLL != *def.NLL {
		t.Errorf("--hutchinson 0 gives nll %v, the default (exact in 2-D) %v", *exact.NLL, *def.NLL)
	}
	hu := runLikelihoodJSON(t, "--run", run, "--data", csv, "--n", "40", "--hutchinson", "2", "--rtol", "1e-4")
	if math.IsNaN(*hu.NLL) || *hu.NLL == *def.NLL {
		t.Errorf("--hutchinson 2 gives nll %v (exact %v)", *hu.NLL, *def.NLL)
	}
	checkFailures(t, []string{"likelihood"}, []failCase{
		{[]string{"--data", csv}, 2, "--run is required"},
		{[]string{"--run", run}, 2, "--data is required"},
		{[]string{"--run", run, "--data", csv, "--solver", "heun"}, 2, "only rk45"},
		{[]string{"--run", run, "--data", csv, "--n", "0"}, 2, "--n must be"},
		{[]string{"--run", run, "--data", csv, "--batch", "100000000"}, 1, "more than the limit"},
		{[]string{"--run", run, "--data", "mnist"}, 1, "image set"},
		{[]string{"--run", run, "--data", csv, "--rtol", "0"}, 1, "rtol"},
		{[]string{"--run", t.TempDir(), "--data", csv}, 1, "--run"},
	})
}

// Images: MNIST test images dequantised to y = 2(k + U)/256 − 1 (784
// dimensions, so Hutchinson with one probe by default), and
// bpd = nll/(N ln 2) + 7.
func TestLikelihoodCLIImages(t *testing.T) {
	if _, err := data.LoadMNIST("test"); err != nil {
		t.Skipf("MNIST module not in the module cache: %v", err)
	}
	run := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI("train", "--data", "mnist", "--unet-channels", "8,8", "--steps", "2", "--batch", "4", "--out", run); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	r := runLikelihoodJSON(t, "--run", run, "--data", "mnist", "--n", "2", "--rtol", "1e-3", "--atol", "1e-3")
	if *r.N != 2 || math.IsNaN(*r.NLL) || math.IsInf(*r.NLL, 0) {
		t.Errorf("n %d, nll %v", *r.N, *r.NLL)
	}
	if want := *r.NLL/(784*math.Ln2) + 7; math.Abs(*r.BPD-want) > 1e-9 {
		t.Errorf("bpd %v, want nll/(784 ln 2) + 7 = %v", *r.BPD, want)
	}
	code, _, stderr := runCLI("likelihood", "--run", run, "--data", "toy:moons")
	if code != 1 || !strings.Contains(stderr, "not an image set") {
		t.Errorf("points for an image run: exit %d, %q", code, stderr)
	}
}
