package safetensors

import (
	"bytes"
	"testing"
)

func benchTensors() map[string]Tensor {
	// Roughly the U-Net's 1.07 M parameters in 40 tensors.
	ts := make(map[string]Tensor)
	for i := range 40 {
		d := make([]float32, 26635)
		for j := range d {
			d[j] = float32(j) * 1e-3
		}
		ts[string(rune('a'+i%26))+string(rune('a'+i/26))] = Tensor{Shape: []int{len(d)}, Data: d}
	}
	return ts
}

func BenchmarkEncode(b *testing.B) {
	ts := benchTensors()
	var buf bytes.Buffer
	b.SetBytes(40 * 26635 * 4)
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, ts, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	var buf bytes.Buffer
	if err := Encode(&buf, benchTensors(), nil); err != nil {
		b.Fatal(err)
	}
	raw := buf.Bytes()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}
