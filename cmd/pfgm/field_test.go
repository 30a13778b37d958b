package main

import (
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

func TestFieldErrors(t *testing.T) {
	dir := t.TempDir()
	ragged, nan := badInputFiles(t, dir)
	out := filepath.Join(dir, "f.png")
	cases := []failCase{
		{[]string{"--data", filepath.Join(dir, "missing.csv"), "--out", out}, 1, "no such file"},
		{[]string{"--data", ragged, "--out", out}, 1, "ragged.csv"},
		{[]string{"--data", nan, "--out", out}, 1, "NaN"},
		{[]string{"--data", "toy:moons", "--D", "0", "--out", out}, 2, "--D"},
		{[]string{"--data", "toy:moons", "--D", "inf", "--out", out}, 1, "inf"},
		{[]string{"--data", "toy:moons", "--out", filepath.Join(dir, "f.csv")}, 1, "unknown extension"},
		{[]string{"--data", "toy:moons", "--lines", "0", "--out", out}, 1, "lines 0"},
		{[]string{"--data", "toy:moons", "--lines", "100000000", "--out", out}, 1, "more than the limit"},
		{[]string{"--out", out}, 2, "--data"},
		{[]string{"--nope"}, 2, "unknown flag: --nope"},
	}
	checkFailures(t, []string{"field"}, cases)
	if code, stdout, stderr := runCLI("field", "--help"); code != 0 || !strings.Contains(stdout+stderr, "--lines") {
		t.Errorf("--help: exit %d", code)
	}
}
