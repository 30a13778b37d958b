package demo

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestRunWritesPictureMetricsAndRuns(t *testing.T) {
	out := t.TempDir()
	rep, err := Run(context.Background(), Options{Out: out, Toy: "8gaussians", Steps: 300, Samples: 300, Ds: []float64{4, math.Inf(1)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2 || rep.Results[0].D != "4" || rep.Results[1].D != "inf" {
		t.Fatalf("results %+v, want one for D=4 and one for D=inf", rep.Results)
	}
	for _, r := range rep.Results {
		if !(r.SW2 > 0 && r.SW2Floor > 0 && r.Ratio > 0) || r.NFE != 35 {
			t.Errorf("D=%s: sw2 %v floor %v ratio %v NFE %d", r.D, r.SW2, r.SW2Floor, r.Ratio, r.NFE)
		}
		if _, err := os.Stat(filepath.Join(r.Run, "model.safetensors")); err != nil {
			t.Errorf("D=%s: run directory lacks its model: %v", r.D, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil || len(back.Results) != 2 {
		t.Errorf("metrics.json does not hold the report: %v", err)
	}
	if st, err := os.Stat(rep.Picture); err != nil || st.Size() == 0 {
		t.Errorf("no picture: %v", err)
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	if _, err := Run(context.Background(), Options{Out: t.TempDir(), Steps: -1}); err == nil {
		t.Error("negative steps accepted")
	}
	if _, err := Run(context.Background(), Options{Out: t.TempDir(), Toy: "nosuch"}); err == nil {
		t.Error("unknown toy set accepted")
	}
}
