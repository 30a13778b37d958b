package safetensors

import (
	"bytes"
	"math"
	"testing"
)

// FuzzDecode checks that no input makes Decode panic, and that whatever it
// accepts survives an Encode/Decode round trip unchanged.
func FuzzDecode(f *testing.F) {
	var good bytes.Buffer
	if err := Encode(&good, sample(), map[string]string{"k": "v"}); err != nil {
		f.Fatal(err)
	}
	g := good.Bytes()
	f.Add(g)
	f.Add(g[:len(g)/2])
	f.Add([]byte{})
	f.Add(fileOf(`{"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, []byte{0, 0x3c, 0xff, 0x7f}))
	f.Add(fileOf(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 16)))
	f.Fuzz(func(t *testing.T, b []byte) {
		tensors, meta, err := Decode(b)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Encode(&buf, tensors, meta); err != nil {
			t.Fatalf("decoded tensors do not re-encode: %v", err)
		}
		again, meta2, err := Decode(buf.Bytes())
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		if len(again) != len(tensors) || len(meta2) != len(meta) {
			t.Fatalf("round trip changed counts")
		}
		for name, x := range tensors {
			y := again[name]
			if len(x.Data) != len(y.Data) || len(x.Shape) != len(y.Shape) {
				t.Fatalf("%s: round trip changed size", name)
			}
			for i := range x.Data {
				if math.Float32bits(x.Data[i]) != math.Float32bits(y.Data[i]) {
					t.Fatalf("%s[%d]: round trip changed bits", name, i)
				}
			}
		}
		for k, v := range meta {
			if meta2[k] != v {
				t.Fatalf("metadata %q changed", k)
			}
		}
	})
}
