package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/data"
)

// writeMNISTSamples writes n MNIST train images as float NPY in [0, 1] of
// shape (n, 1, 28, 28), or skips.
func writeMNISTSamples(t *testing.T, n int) string {
	t.Helper()
	im, err := data.LoadMNIST("train")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	x := make([]float32, n*im.Size())
	for i := range x {
		x[i] = (im.X[i] + 1) / 2
	}
	p := filepath.Join(t.TempDir(), "real.npy")
	if err := data.WriteNPY32(p, []int{n, 1, 28, 28}, x); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvalImages(t *testing.T) {
	samples := writeMNISTSamples(t, 300)
	code, stdout, stderr := runCLI("eval", "--ref", "mnist", "--samples", samples, "--floor-draws", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(stdout, "\n") != 1 {
		t.Fatalf("want one line, got %q", stdout)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("not JSON: %q: %v", stdout, err)
	}
	for _, k := range []string{"fd", "fd_floor", "kid", "kid_floor", "precision", "recall", "classes", "n_samples"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("key %q missing from %s", k, stdout)
		}
	}
	// Real images: within 2× of the floor, as in the metrics tests.
	if m["n_samples"] != 300.0 || m["fd"].(float64) > 2*m["fd_floor"].(float64) || m["precision"].(float64) < 0.6 {
		t.Fatalf("real MNIST images: %s", stdout)
	}
}

func TestEvalImagesErrors(t *testing.T) {
	dir := t.TempDir()
	wrong := filepath.Join(dir, "wrong.npy")
	if err := data.WriteNPY32(wrong, []int{2, 32, 32}, make([]float32, 2*32*32)); err != nil {
		t.Fatal(err)
	}
	pts := filepath.Join(dir, "p.csv")
	if code, _, stderr := runCLI("data", "--toy", "moons", "--n", "10", "--out", pts); code != 0 {
		t.Fatal(stderr)
	}
	checkFailures(t, []string{"eval"}, []failCase{
		{[]string{"--ref", "mnist", "--samples", wrong}, 1, "want (n, 28, 28)"},
		{[]string{"--ref", "mnist", "--samples", filepath.Join(dir, "missing.npy")}, 1, "missing.npy"},
		{[]string{"--ref", "mnist", "--samples", wrong, "--projections", "8"}, 2, "--projections applies to point data only"},
		{[]string{"--ref", "mnist", "--samples", wrong, "--floor-draws", "-1"}, 2, "--floor-draws -1"},
		{[]string{"--ref", pts, "--samples", pts, "--floor-draws", "3"}, 2, "--floor-draws applies to images only"},
	})
}
