package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/data"
)

// badInputFiles writes the broken inputs every command must reject.
func badInputFiles(t *testing.T, dir string) (ragged, nan string) {
	t.Helper()
	ragged = filepath.Join(dir, "ragged.csv")
	nan = filepath.Join(dir, "nan.csv")
	if err := os.WriteFile(ragged, []byte("1,2\n3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(nan, []byte("1,2\nNaN,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return ragged, nan
}

func TestSampleExactWritesSamples(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".csv", ".npy", ".png"} {
		out := filepath.Join(dir, "s"+ext)
		code, _, stderr := runCLI("sample", "--exact", "--data", "toy:2clusters", "--charges", "300",
			"--n", "40", "--steps", "18", "--D", "4", "--seed", "3", "--out", out)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", ext, code, stderr)
		}
		if !regexp.MustCompile(`^nfe=35 time=[0-9.]+s\n$`).MatchString(stderr) {
			t.Errorf("%s: stderr %q, want one line nfe=35 time=…s", ext, stderr)
		}
		if ext == ".png" {
			if b, err := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
				t.Errorf("no PNG written: %v", err)
			}
			continue
		}
		p, err := data.ReadPoints(out)
		if err != nil || p.N() != 40 || p.Dim != 2 {
			t.Fatalf("%s: read back %v, %v", ext, p, err)
		}
	}
	// Samples land on the (un-standardised) charges: every one is a data point.
	ref := filepath.Join(dir, "ref.csv")
	if code, _, stderr := runCLI("data", "--toy", "2clusters", "--n", "300", "--seed", "3", "--out", ref); code != 0 {
		t.Fatal(stderr)
	}
	d, _ := data.ReadPoints(ref)
	s, _ := data.ReadPoints(filepath.Join(dir, "s.csv"))
	for i := range s.N() {
		best := 1e300
		for j := range d.N() {
			dx, dy := s.Row(i)[0]-d.Row(j)[0], s.Row(i)[1]-d.Row(j)[1]
			best = min(best, dx*dx+dy*dy)
		}
		if best > 1e-4 {
			t.Errorf("sample %d %v is %.3g² from every data point", i, s.Row(i), best)
		}
	}
}

func TestSampleRK45AndEuler(t *testing.T) {
	dir := t.TempDir()
	for _, solver := range []string{"euler", "rk45"} {
		code, _, stderr := runCLI("sample", "--exact", "--data", "toy:moons", "--charges", "200", "--n", "20",
			"--steps", "5", "--solver", solver, "--rtol", "1e-3", "--atol", "1e-3", "--D", "inf",
			"--out", filepath.Join(dir, solver+".csv"))
		if code != 0 || !strings.HasPrefix(stderr, "nfe=") {
			t.Errorf("%s: exit %d: %s", solver, code, stderr)
		}
	}
}

func TestSampleErrors(t *testing.T) {
	dir := t.TempDir()
	ragged, nan := badInputFiles(t, dir)
	out := filepath.Join(dir, "s.csv")
	base := []string{"sample", "--exact", "--charges", "50", "--n", "5", "--out", out}
	cases := []failCase{
		{[]string{"--data", filepath.Join(dir, "missing.csv")}, 1, "no such file"},
		{[]string{"--data", ragged}, 1, "ragged.csv"},
		{[]string{"--data", nan}, 1, "NaN"},
		{[]string{"--data", "toy:moons", "--D", "0"}, 2, "--D"},
		{[]string{"--data", "toy:moons", "--D", "abc"}, 2, "--D"},
		{[]string{"--data", "toy:moons", "--steps", "0"}, 1, "steps 0"},
		{[]string{"--data", "toy:moons", "--steps", "-3"}, 1, "steps -3"},
		{[]string{"--data", "toy:moons", "--solver", "leapfrog"}, 2, "unknown solver"},
		{[]string{"--data", "toy:moons", "--out", filepath.Join(dir, "s.txt")}, 1, "unknown extension"},
		{[]string{"--data", "toy:moons", "--n", "0"}, 1, "n 0"},
		{[]string{"--data", "toy:moons", "--n", "100000000"}, 1, "more than the limit"},
		{[]string{"--data", "toy:moons", "--n", "9223372036854775807"}, 1, "more than the limit"},
		{[]string{"--data", "toy:moons", "--m", "2"}, 2, "--m belongs to --process yukawa"},
		{[]string{"--data", "toy:moons", "--t-max", "2"}, 2, "--t-max belongs to --process yukawa"},
		{[]string{"--data", "toy:moons", "--class", "2"}, 2, "--class belongs to --run"},
		{[]string{"--data", "toy:moons", "--max-memory", "lots"}, 2, "--max-memory"},
		{[]string{"--data", "toy:nope"}, 1, "nope"},
		{[]string{"--data", "toy:moons", "--sigma-min", "-1"}, 1, "sigma-min"},
		{[]string{"--data", "toy:moons", "--run", dir}, 2, "exactly one of"},
		{[]string{}, 2, "--exact needs --data"},
		{[]string{"--data", "toy:moons", "--bogus"}, 2, "unknown flag: --bogus"},
	}
	checkFailures(t, base, cases)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", out)
	}
	// Neither --exact nor --run; and --run goes to the trained-model path.
	if code, _, stderr := runCLI("sample", "--out", out); code != 2 || !strings.Contains(stderr, "exactly one of") {
		t.Errorf("no mode: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCLI("sample", "--run", dir, "--out", out); code != 1 || !strings.Contains(stderr, "--run") {
		t.Errorf("--run: exit %d, %q", code, stderr)
	}
	if code, stdout, stderr := runCLI("sample", "--help"); code != 0 || !strings.Contains(stdout+stderr, "--exact") {
		t.Errorf("--help: exit %d, %q", code, stdout+stderr)
	}
}
