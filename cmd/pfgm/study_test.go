package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStudyRobustnessCLI(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rob")
	code, stdout, stderr := runCLI("study", "robustness", "--data", "toy:moons", "--out", out, "--D", "inf", "--steps", "10", "--samples", "20")
	if code != 0 || strings.TrimSpace(stdout) != filepath.Join(out, "results.md") {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	for _, f := range []string{"results.json", "results.md", "alpha.svg", "bits.png", "steps.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	checkFailures(t, []string{"study"}, []failCase{
		{[]string{"nope"}, 2, "unknown study"},
		{[]string{}, 2, "name a study"},
		{[]string{"limit", "--out", out}, 2, "--data is required"},
		{[]string{"limit", "--data", "toy:moons"}, 2, "--out is required"},
		{[]string{"limit", "--data", "toy:moons", "--out", out, "--D", "0"}, 2, "--D"},
		{[]string{"limit", "--data", "toy:moons", "--out", out, "--seeds", "x"}, 2, "--seeds"},
		{[]string{"limit", "--data", "toy:moons", "--out", out}, 1, "holds the results of study"},
	})
}
