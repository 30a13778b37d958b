package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/classifier"
	"github.com/pfgm/pfgm/data"
)

func TestClassifierTrain(t *testing.T) {
	if _, err := data.LoadMNIST("test"); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	out := filepath.Join(t.TempDir(), "c.safetensors")
	code, stdout, stderr := runCLI("classifier", "train", "--data", "mnist", "--n", "2000", "--epochs", "2", "--batch", "50", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		TestAccuracy float64 `json:"test_accuracy"`
		Steps        int     `json:"steps"`
		Seed         uint64  `json:"seed"`
	}
	if strings.Count(stdout, "\n") != 1 || json.Unmarshal([]byte(stdout), &rep) != nil {
		t.Fatalf("want one JSON line, got %q", stdout)
	}
	// 80 steps on 2,000 images already beat chance (0.1) by far.
	if rep.Steps != 80 || rep.Seed != 1 || rep.TestAccuracy < 0.5 {
		t.Fatalf("report %+v: want 80 steps, seed 1, test accuracy ≥ 0.5", rep)
	}
	if !strings.Contains(stderr, "epoch 1 loss") {
		t.Errorf("no progress line on stderr: %q", stderr)
	}
	if _, err := classifier.Load(out); err != nil {
		t.Fatalf("written weights do not load: %v", err)
	}
}

func TestClassifierTrainErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "c.safetensors")
	checkFailures(t, []string{"classifier", "train"}, []failCase{
		{[]string{"--data", "cifar10", "--out", out}, 2, "mnist or fashion-mnist"},
		{[]string{"--data", "mnist"}, 2, "--out is required"},
		{[]string{"--data", "mnist", "--out", out, "--n", "-1"}, 2, "--n -1"},
		{[]string{"--data", "mnist", "--out", out, "--lr", "-1"}, 1, "learning rate"},
		{[]string{"--data", "mnist", "--out", out, "--epochs", "x"}, 2, "invalid argument"},
	})
}
