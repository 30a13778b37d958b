package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tune-d prints one JSON line naming a candidate, writes result.json and
// the chart, and never picks D = 1 on an 8-D pair of blobs (its heavy tail).
func TestTuneDPrintsOneJSONLine(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "blob.csv")
	var b strings.Builder
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range 300 {
		for j := range 8 {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%g", rng.NormFloat64()+float64(3*(i%2)))
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(csv, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI("tune-d", "--data", csv, "--out", out, "--candidates", "1,16,inf", "--draws", "200")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(stdout, "\n") != 1 {
		t.Fatalf("want one line, got %q", stdout)
	}
	var r struct {
		D          string
		Candidates []map[string]any
		Reason     string
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not JSON: %v: %q", err, stdout)
	}
	if len(r.Candidates) != 3 || r.Reason == "" || (r.D != "16" && r.D != "inf") {
		t.Errorf("result %+v: want 3 candidates, a reason and D 16 or inf", r)
	}
	for _, k := range []string{"D", "effective_charges", "target_loss", "tail_spread", "w2_exact", "w2_noisy", "score"} {
		if _, ok := r.Candidates[0][k]; !ok {
			t.Errorf("candidate lacks %q", k)
		}
	}
	for _, f := range []string{"result.json", "tune-d.png", "tune-d.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	checkFailures(t, []string{"tune-d"}, []failCase{
		{[]string{"--out", out}, 2, "--data is required"},
		{[]string{"--data", csv}, 2, "--out is required"},
		{[]string{"--data", csv, "--out", out, "--candidates", "0,4"}, 2, "--candidates"},
		{[]string{"--data", filepath.Join(dir, "none.csv"), "--out", out}, 1, "--data"},
	})
}

// tune-d accepts an image set: MNIST is measured as 784-number points in
// [−1, 1] (not standardised per pixel, which would blow up the constant
// border), so the tail spread is the N = 784 one and the targets are finite.
func TestTuneDMNIST(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI("tune-d", "--data", "mnist", "--out", out, "--candidates", "1,inf",
		"--charges", "40", "--samples", "20", "--draws", "50")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "of 784 numbers") {
		t.Errorf("stderr %q: want 784-number points", stderr)
	}
	var r struct {
		D          string
		Candidates []struct {
			D          string
			TargetLoss float64 `json:"target_loss"`
			TailSpread float64 `json:"tail_spread"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not JSON: %v: %q", err, stdout)
	}
	if len(r.Candidates) != 2 || r.D != "inf" {
		t.Fatalf("result %+v: want 2 candidates and D = inf", r)
	}
	// At D = ∞ the spread is the χ_784 quantile ratio q0.99/q0.5 ≈
	// 1 + 2.326/√(2·784) ≈ 1.059; the D = 1 spread is ~51× that
	// (STUDIES.md's N = 784 row).
	if s := r.Candidates[1].TailSpread; s < 1.04 || s > 1.08 {
		t.Errorf("D=∞ tail spread %v, want ≈ 1.059", s)
	}
	if s := r.Candidates[0].TailSpread / r.Candidates[1].TailSpread; s < 35 {
		t.Errorf("D=1 tail spread ratio %v, want ≈ 51", s)
	}
	checkFailures(t, []string{"tune-d"}, []failCase{
		{[]string{"--data", "mnist", "--out", out, "--charges", "1"}, 2, "--charges"},
	})
}
