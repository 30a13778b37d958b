package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestFieldDrawsLines(t *testing.T) {
	out := filepath.Join(t.TempDir(), "f.png")
	if code, _, stderr := runCLI("field", "--data", "toy:2clusters", "--charges", "200", "--D", "4", "--lines", "10", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	isPNG(t, out)
}

// Equal-flux starting angles: symmetric about the r axis, increasing, and
// for D = 1 (uniform flux in angle) evenly spaced.
func TestEqualFluxAngles(t *testing.T) {
	for _, D := range []float64{1, 4, 64} {
		th := equalFluxAngles(D, 9)
		for i := range th {
			if math.Abs(th[i]+th[len(th)-1-i]) > 1e-3 {
				t.Errorf("D %v: angles %v not symmetric", D, th)
			}
			if i > 0 && !(th[i] > th[i-1]) {
				t.Errorf("D %v: angles %v not increasing", D, th)
			}
		}
	}
	th := equalFluxAngles(1, 4)
	for i, v := range th {
		want := -math.Pi/2 + (float64(i)+0.5)*math.Pi/4
		if math.Abs(v-want) > 1e-3 {
			t.Errorf("D 1: angle %d = %v, want %v", i, v, want)
		}
	}
}

func TestFieldErrors(t *testing.T) {
	dir := t.TempDir()
	ragged, nan := badInputFiles(t, dir)
	out := filepath.Join(dir, "f.png")
	cases := []failCase{
		{[]string{"--data", filepath.Join(dir, "missing.csv"), "--out", out}, 1, "no such file"},
		{[]string{"--data", ragged, "--out", out}, 1, "ragged.csv"},
		{[]string{"--data", nan, "--out", out}, 1, "NaN"},
		{[]string{"--data", "toy:moons", "--D", "0", "--out", out}, 1, "--D"},
		{[]string{"--data", "toy:moons", "--D", "inf", "--out", out}, 1, "inf"},
		{[]string{"--data", "toy:moons", "--out", filepath.Join(dir, "f.csv")}, 1, "unknown extension"},
		{[]string{"--data", "toy:moons", "--lines", "0", "--out", out}, 1, "--lines 0"},
		{[]string{"--out", out}, 1, "--data"},
		{[]string{"--nope"}, 2, "flag provided but not defined"},
	}
	checkFailures(t, []string{"field"}, cases)
	if code, stdout, stderr := runCLI("field", "--help"); code != 0 || !strings.Contains(stdout+stderr, "--lines") {
		t.Errorf("--help: exit %d", code)
	}
}
