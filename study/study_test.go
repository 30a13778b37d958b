package study

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tinyOptions(t *testing.T) Options {
	o := DefaultOptions()
	tmp := t.TempDir()
	o.Data, o.Dir, o.Runs = "toy:moons", filepath.Join(tmp, "study"), filepath.Join(tmp, "runs")
	o.Ds, o.Steps, o.Samples = []float64{16, math.Inf(1)}, 20, 40
	return o
}

// A robustness study writes every grid cell, the table and the charts; run
// again it trains nothing and measures nothing (it resumes), and a cell
// removed from results.json is measured again.
func TestRobustnessWritesAndResumes(t *testing.T) {
	o := tinyOptions(t)
	var log bytes.Buffer
	o.Log = &log
	if err := Robustness(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	var r Results
	b, err := os.ReadFile(filepath.Join(o.Dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	want := len(o.Ds) * (len(robustAlphas) + 1 + len(robustBits) + len(robustSteps))
	if r.Study != "robustness" || len(r.Cells) != want {
		t.Fatalf("study %q with %d cells, want robustness with %d", r.Study, len(r.Cells), want)
	}
	for _, c := range r.Cells {
		if !(c.SW2 > 0) {
			t.Errorf("cell %s: sw2 %v", c.Key, c.SW2)
		}
	}
	for _, f := range []string{"results.md", "alpha.png", "alpha.svg", "bits.svg", "steps.png"} {
		if _, err := os.Stat(filepath.Join(o.Dir, f)); err != nil {
			t.Error(err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(o.Dir, "results.md"))
	if !strings.Contains(string(md), "| D=16 | D=inf |") {
		t.Errorf("results.md lacks the D columns:\n%s", md)
	}
	// Resume: nothing new.
	log.Reset()
	if err := Robustness(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "training") || strings.Contains(log.String(), "sw2 ") {
		t.Errorf("second run did work:\n%s", log.String())
	}
	// Drop one cell: exactly that one is measured again, without training.
	r.Cells = r.Cells[1:]
	b, _ = json.Marshal(r)
	os.WriteFile(filepath.Join(o.Dir, "results.json"), b, 0o644)
	log.Reset()
	if err := Robustness(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), "sw2 "); n != 1 || strings.Contains(log.String(), "training") {
		t.Errorf("after dropping one cell: %d measured, log:\n%s", n, log.String())
	}
}

func TestStudyBadInput(t *testing.T) {
	o := tinyOptions(t)
	o.Ds = []float64{0}
	if err := Robustness(context.Background(), o); err == nil {
		t.Error("D = 0: no error")
	}
	if err := Run(context.Background(), "nope", tinyOptions(t)); err == nil || !strings.Contains(err.Error(), "unknown study") {
		t.Errorf("unknown study: %v", err)
	}
	o = tinyOptions(t)
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(o.Dir, "results.json"), []byte(`{"study":"robustness","cells":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Limit(context.Background(), o); err == nil {
		t.Error("limit study into a robustness directory: no error")
	}
}

// The coupled prior of D is the kernel's prior (second moment
// E‖x‖² = σ²·N·D/(D−2)), and for large D it is close to the D = ∞ draw it
// is paired with: RMS gap ≈ σ·√N/√(2D) (bound: within 3×).
func TestCoupledPrior(t *testing.T) {
	const n, dim, sigma = 20000, 4, 2.0
	for _, D := range []float64{16, 1e4} {
		x := coupledPrior(D, n, dim, sigma, 1)
		var m2 float64
		for _, v := range x {
			m2 += v * v
		}
		m2 /= n
		want := sigma * sigma * dim * D / (D - 2)
		if math.Abs(m2-want) > 0.05*want {
			t.Errorf("D=%v: E‖x‖² = %v, want %v", D, m2, want)
		}
	}
	inf := coupledPrior(math.Inf(1), n, dim, sigma, 1)
	far := coupledPrior(1e4, n, dim, sigma, 1)
	var ss float64
	for i := range inf {
		ss += (inf[i] - far[i]) * (inf[i] - far[i])
	}
	rms := math.Sqrt(ss / n)
	// √(D/(2G₂)) − 1 ≈ −(G₂ − D/2)/D has sd 1/√(2D); times σ‖g‖ ≈ σ√N.
	if want := sigma * math.Sqrt(dim) / math.Sqrt(2*1e4); rms > 3*want || rms < want/3 {
		t.Errorf("paired RMS at D=1e4: %v, want ≈ %v", rms, want)
	}
}
