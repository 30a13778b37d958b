package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalPrintsOneJSONLine(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.csv")
	good := filepath.Join(dir, "good.npy")
	bad := filepath.Join(dir, "bad.csv")
	for _, c := range [][]string{
		{"data", "--toy", "8gaussians", "--n", "1000", "--seed", "1", "--out", ref},
		{"data", "--toy", "8gaussians", "--n", "500", "--seed", "2", "--out", good},
		{"data", "--toy", "rings", "--n", "500", "--seed", "3", "--out", bad},
	} {
		if code, _, stderr := runCLI(c...); code != 0 {
			t.Fatalf("%v: %s", c, stderr)
		}
	}
	score := func(samples string) map[string]float64 {
		code, stdout, stderr := runCLI("eval", "--ref", ref, "--samples", samples, "--projections", "64")
		if code != 0 {
			t.Fatalf("eval: exit %d: %s", code, stderr)
		}
		if strings.Count(stdout, "\n") != 1 {
			t.Fatalf("want one line, got %q", stdout)
		}
		var m map[string]float64
		if err := json.Unmarshal([]byte(stdout), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", stdout, err)
		}
		for _, k := range []string{"sw2", "sw2_floor", "sw2_ratio", "mmd", "mmd_floor", "n_ref", "n_samples"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("key %q missing from %s", k, stdout)
			}
		}
		return m
	}
	g, b := score(good), score(bad)
	if g["n_ref"] != 1000 || g["n_samples"] != 500 {
		t.Fatalf("sizes: %v", g)
	}
	// Bounds as in the metrics package tests: same distribution within 2× of
	// the floor, a different one well above it.
	if g["sw2_ratio"] > 2 || b["sw2_ratio"] < 2.5 {
		t.Fatalf("ratios: same distribution %v, different %v", g["sw2_ratio"], b["sw2_ratio"])
	}
}

func TestEvalErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	ref2 := write("ref2.csv", "0,0\n1,1\n2,2\n3,3\n4,4\n")
	ref3 := write("ref3.csv", "0,0,0\n1,1,1\n2,2,2\n3,3,3\n")
	nan := write("nan.csv", "0,0\nnan,1\n")
	cases := []failCase{
		{[]string{"--ref", filepath.Join(dir, "missing.csv"), "--samples", ref2}, 1, "missing.csv"},
		{[]string{"--ref", ref2, "--samples", ref3}, 1, "dimension mismatch"},
		{[]string{"--ref", ref2, "--samples", nan}, 1, "nan.csv:2"},
		{[]string{"--ref", ref2}, 2, "--samples is required"},
		{[]string{"--samples", ref2}, 2, "--ref is required"},
		{[]string{"--ref", ref2, "--samples", ref2, "--projections", "0"}, 1, "projections 0"},
		{[]string{"--ref", ref2, "--samples", ref2, "--projections", "1000000000"}, 1, "more than the limit"},
		{[]string{"--ref", ref2, "--samples", ref2, "--seed", "x"}, 2, "invalid argument"},
	}
	checkFailures(t, []string{"eval"}, cases)
}
