package chart

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	base := filepath.Join(t.TempDir(), "c")
	err := Write(base, Spec{
		Title: "t", XLabel: "D", YLabel: "sliced W2 (data units)", LogY: true,
		XTicks: []Tick{{1, "1"}, {2, "∞"}},
		Series: []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1, 10}}, {Name: "b", X: []float64{1, 2}, Y: []float64{math.NaN(), 3}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile(base + ".png")
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("png: %v, %q", err, png[:min(8, len(png))])
	}
	svg, err := os.ReadFile(base + ".svg")
	if err != nil || !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("sliced W2")) {
		t.Errorf("svg: %v, missing <svg or the axis label", err)
	}
	if err := Write(base, Spec{Series: []Series{{Name: "e"}}}); err == nil {
		t.Error("empty chart: no error")
	}
}
