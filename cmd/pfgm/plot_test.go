package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func isPNG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("%s is not a PNG: %v", path, err)
	}
}

func TestPlotSamplesAndTrajectories(t *testing.T) {
	dir := t.TempDir()
	samples := filepath.Join(dir, "s.csv")
	if code, _, stderr := runCLI("data", "--toy", "rings", "--n", "100", "--out", samples); code != 0 {
		t.Fatal(stderr)
	}
	out := filepath.Join(dir, "scatter.png")
	if code, _, stderr := runCLI("plot", "--samples", samples, "--data", "toy:rings", "--charges", "500", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	isPNG(t, out)
	out = filepath.Join(dir, "traj.png")
	if code, _, stderr := runCLI("plot", "--trajectories", "--data", "toy:moons", "--charges", "300",
		"--D", "1,inf", "--n", "20", "--steps", "8", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	isPNG(t, out)
}

func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	ragged, nan := badInputFiles(t, dir)
	out := filepath.Join(dir, "p.png")
	cases := []failCase{
		{[]string{"--samples", filepath.Join(dir, "missing.csv"), "--out", out}, 1, "no such file"},
		{[]string{"--samples", ragged, "--out", out}, 1, "ragged.csv"},
		{[]string{"--samples", nan, "--out", out}, 1, "NaN"},
		{[]string{"--samples", ragged, "--out", filepath.Join(dir, "p.jpg")}, 1, "unknown extension"},
		{[]string{"--out", out}, 2, "--samples"},
		{[]string{"--loss", dir, "--trajectories", "--out", out}, 2, "give one of them"},
		{[]string{"--samples", ragged, "--steps", "5", "--out", out}, 2, "--steps belongs to --trajectories"},
		{[]string{"--trajectories", "--data", "toy:moons", "--D", "1,0", "--out", out}, 2, "--D"},
		{[]string{"--trajectories", "--data", "toy:moons", "--steps", "0", "--out", out}, 1, "steps 0"},
		{[]string{"--trajectories", "--data", nan, "--out", out}, 1, "NaN"},
		{[]string{"--trajectories", "--out", out}, 2, "--data"},
		{[]string{"--nope"}, 2, "unknown flag: --nope"},
	}
	checkFailures(t, []string{"plot"}, cases)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", out)
	}
	if code, stdout, stderr := runCLI("plot", "--help"); code != 0 || !strings.Contains(stdout+stderr, "--trajectories") {
		t.Errorf("--help: exit %d", code)
	}
}

// Yukawa panels join the trajectory picture: one more panel a mass.
func TestPlotYukawaTrajectories(t *testing.T) {
	out := filepath.Join(t.TempDir(), "yk.png")
	code, _, stderr := runCLI("plot", "--trajectories", "--data", "toy:2clusters", "--charges", "200",
		"--D", "1", "--m", "0.5,2", "--n", "20", "--steps", "5", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 3*420 || cfg.Height != 420 {
		t.Errorf("picture is %d×%d, want three 420-pixel panels in a row", cfg.Width, cfg.Height)
	}
	if code, _, stderr := runCLI("plot", "--trajectories", "--data", "toy:2clusters", "--m", "-1", "--out", out); code != 2 || !strings.Contains(stderr, "--m") {
		t.Errorf("--m -1: exit %d, %q", code, stderr)
	}
}

func TestPlotLoss(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI("train", "--data", "toy:moons", "--charges", "200", "--width", "16", "--steps", "30", "--batch", "16", "--out", dir); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "loss.png")
	if code, _, stderr := runCLI("plot", "--loss", dir, "--out", out); code != 0 {
		t.Fatalf("plot --loss: exit %d: %s", code, stderr)
	}
	isPNG(t, out)
	if code, _, stderr := runCLI("plot", "--loss", t.TempDir(), "--out", out); code != 1 || !strings.Contains(stderr, "not a run directory") {
		t.Errorf("--loss on an empty directory: exit %d, %q", code, stderr)
	}
}
