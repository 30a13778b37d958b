package main

import (
	"encoding/json"
	"math"
	"runtime"
	"strings"
	"testing"
)

// benchRun runs `pfgm bench args…` in-process.
func benchRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLI(append([]string{"bench"}, args...)...)
}

// benchLine runs a benchmark that must succeed and decodes its one JSON line.
func benchLine(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, stdout, stderr := benchRun(t, args...)
	if code != 0 {
		t.Fatalf("bench %v: exit %d: %s", args, code, stderr)
	}
	if strings.Count(stdout, "\n") != 1 || !strings.HasSuffix(stdout, "\n") {
		t.Fatalf("bench %v: want one line, got %q", args, stdout)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("bench %v: not JSON: %q: %v", args, stdout, err)
	}
	return m
}

// checkFields checks the exact values in want and that the timing and
// memory fields are present and sane (no assertion on their size).
func checkFields(t *testing.T, m map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v (%T), want %v", k, m[k], m[k], v)
		}
	}
	med, ok1 := m["median_ms"].(float64)
	mn, ok2 := m["min_ms"].(float64)
	rss, ok3 := m["peak_rss_mb"].(float64)
	th, ok4 := m["threads"].(float64)
	if !ok1 || !ok2 || !ok3 || !ok4 || mn < 0 || mn > med || rss <= 0 || th < 1 {
		t.Errorf("median_ms %v, min_ms %v, peak_rss_mb %v, threads %v: missing or out of range", m["median_ms"], m["min_ms"], m["peak_rss_mb"], m["threads"])
	}
}

func TestBenchGEMMPrintsOneJSONLine(t *testing.T) {
	m := benchLine(t, "gemm", "--size", "64", "--steps", "2")
	checkFields(t, m, map[string]any{"impl": "pfgm-go", "model": "gemm", "size": 64.0, "steps": 2.0})
	if g, ok := m["gflops"].(float64); !ok || !(g > 0) {
		t.Errorf("gflops = %v, want a positive number", m["gflops"])
	}
	if _, ok := m["params"]; ok {
		t.Errorf("gemm reports params: %v", m)
	}
}

func TestBenchMLPPrintsOneJSONLine(t *testing.T) {
	m := benchLine(t, "mlp", "--batch", "16", "--steps", "2")
	// 141,314 is the parameter count of torch_ref.py's MLP (DESIGN §4).
	checkFields(t, m, map[string]any{"impl": "pfgm-go", "model": "mlp", "params": 141314.0, "batch": 16.0, "steps": 2.0, "D": "128"})
}

func TestBenchThreadsFlag(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	m := benchLine(t, "gemm", "--size", "8", "--steps", "1", "--threads", "1")
	if m["threads"] != 1.0 {
		t.Fatalf("threads = %v, want 1", m["threads"])
	}
}

func TestBenchRejectsBadInput(t *testing.T) {
	checkFailures(t, []string{"bench"}, []failCase{
		{[]string{"gemm", "--size", "0"}, 1, "--size"},
		{[]string{"resnet"}, 2, "unknown benchmark"},
		{[]string{"mlp", "--steps", "-1"}, 1, "--steps"},
		{[]string{"mlp", "--batch", "-4"}, 1, "--batch"},
		{[]string{"mlp", "--D", "0.5"}, 2, "--D"},
		{[]string{"gemm", "--D", "4"}, 2, "does not apply to gemm"},
		{[]string{"gemm", "--batch", "4"}, 2, "does not apply to gemm"},
		{[]string{"mlp", "--size", "4"}, 2, "applies to gemm only"},
		{[]string{"mlp", "--threads", "-1"}, 2, "--threads"},
		{[]string{"mlp", "--bogus"}, 2, "unknown flag: --bogus"},
		{[]string{"gemm", "extra"}, 2, "extra"},
		{[]string{"--size", "64"}, 2, "--size"},
		{nil, 2, "which benchmark"},
	})
}

// `bench peak` prints one JSON line with positive peaks on 1 and all
// threads, and a GEMM line carries its share of the peak it was given.
func TestBenchPeakAndShare(t *testing.T) {
	m := benchLine(t, "peak", "--threads", "1")
	for _, k := range []string{"fma_gflops_1", "fma_gflops", "mem_gbs"} {
		if v, ok := m[k].(float64); !ok || v <= 0 {
			t.Errorf("peak: %s = %v, want a positive number", k, m[k])
		}
	}
	g := benchLine(t, "gemm", "--size", "64", "--steps", "2", "--peak", "100")
	gf, _ := g["gflops"].(float64)
	share, _ := g["peak_share"].(float64)
	if g["peak_gflops"] != 100.0 || math.Abs(share-gf/100) > 1e-3 {
		t.Errorf("gemm: peak_gflops %v, peak_share %v for gflops %v: want 100 and gflops/100", g["peak_gflops"], g["peak_share"], gf)
	}
	if code, _, _ := benchRun(t, "gemm", "--peak", "-1"); code == 0 {
		t.Error("--peak -1 accepted")
	}
}
