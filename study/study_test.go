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
