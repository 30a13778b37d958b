package main

import (
	"strings"
	"testing"
)

// --precision bf16 falls back to float32 with a one-line reason where the
// CPU lacks the hardware or where its bfloat16 kernel is slower; it is
// kept where faster, and bf16-always keeps it anyway.
func TestResolvePrecision(t *testing.T) {
	for _, c := range []struct {
		flag    string
		hw      bool
		speedup float64
		want    string
		note    string // a substring of the note; "" for none
	}{
		{"float32", true, 2, "float32", ""},
		{"bf16", false, 0, "float32", "lacks AVX512_BF16"},
		{"bf16", true, 0.5, "float32", "0.50× its float32 rate"},
		{"bf16", true, 1.8, "bf16", ""},
		{"bf16-always", true, 0.5, "bf16", ""},
		{"bf16-always", false, 0, "bf16", ""},
	} {
		var out strings.Builder
		got, err := resolvePrecision(c.flag, c.hw, func() float64 { return c.speedup }, &out)
		if err != nil || got != c.want {
			t.Errorf("%s (hw %v, speedup %v): %q, %v; want %q", c.flag, c.hw, c.speedup, got, err, c.want)
		}
		if note := out.String(); c.note == "" && note != "" || c.note != "" && (!strings.Contains(note, c.note) || strings.Count(note, "\n") != 1) {
			t.Errorf("%s (hw %v, speedup %v): note %q, want one line with %q", c.flag, c.hw, c.speedup, note, c.note)
		}
	}
	if _, err := resolvePrecision("fp16", true, nil, &strings.Builder{}); err == nil {
		t.Error("--precision fp16 accepted")
	}
}
