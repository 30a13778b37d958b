package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pfgm/pfgm/data"
)

func TestDataWritesToySet(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".csv", ".npy"} {
		path := filepath.Join(dir, "moons"+ext)
		code, _, stderr := runCLI("data", "--data", "toy:moons", "--n", "123", "--seed", "7", "--out", path)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", ext, code, stderr)
		}
		p, err := data.ReadPoints(path)
		if err != nil || p.N() != 123 || p.Dim != 2 {
			t.Fatalf("%s: read back %v points, %v", ext, p.N(), err)
		}
	}
	// Same seed, same points; the CSV and NPY files agree exactly.
	a, _ := data.ReadPoints(filepath.Join(dir, "moons.csv"))
	b, _ := data.ReadPoints(filepath.Join(dir, "moons.npy"))
	for i := range a.X {
		if a.X[i] != b.X[i] {
			t.Fatalf("CSV and NPY differ at %d: %v vs %v", i, a.X[i], b.X[i])
		}
	}
}

func TestDataErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.csv")
	cases := []failCase{
		{[]string{"--data", "toy:nope", "--out", out}, 1, "unknown toy"},
		{[]string{"--data", "toy:moons", "--n", "0", "--out", out}, 1, "n 0"},
		{[]string{"--data", "toy:moons"}, 2, "--out is required"},
		{[]string{"--out", out}, 2, "--data toy:NAME is required"},
		{[]string{"--data", "moons.csv", "--out", out}, 2, "want toy:NAME"},
		{[]string{"--data", "toy:moons", "--toy", "moons", "--out", out}, 2, "give one of them"},
		{[]string{"--data", "toy:moons", "--out", filepath.Join(dir, "x.txt")}, 1, "unknown extension"},
		{[]string{"--data", "toy:moons", "--out", filepath.Join(dir, "no", "x.csv")}, 1, "no such file"},
		{[]string{"--data", "toy:moons", "--n", "9223372036854775807", "--out", out}, 1, "more than the limit"},
		{[]string{"--data", "toy:moons", "--n", "9223372036854775808", "--out", out}, 2, "--n"},
		{[]string{"--bogus"}, 2, "unknown flag: --bogus"},
	}
	checkFailures(t, []string{"data"}, cases)
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run left a file behind")
	}
	if code, stdout, _ := runCLI("data", "--help"); code != 0 {
		t.Errorf("--help: exit %d %s", code, stdout)
	}
}
