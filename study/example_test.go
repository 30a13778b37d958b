package study_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/study"
)

// A tiny robustness study: one D = ∞ model, 10 training steps, its sampling
// degraded by noise injection, quantisation and fewer steps.
func ExampleRobustness() {
	dir, _ := os.MkdirTemp("", "study")
	defer os.RemoveAll(dir)
	o := study.DefaultOptions()
	o.Data, o.Dir = "toy:moons", dir
	o.Ds, o.Steps, o.Samples = []float64{math.Inf(1)}, 10, 20
	if err := study.Robustness(context.Background(), o); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(filepath.Join(dir, "results.json"))
	var r study.Results
	_ = json.Unmarshal(b, &r)
	fmt.Println(r.Study, len(r.Cells), "cells")
	// Output: robustness 16 cells
}
