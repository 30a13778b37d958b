package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sample() map[string]Tensor {
	return map[string]Tensor{
		"b.weight": {Shape: []int{2, 3}, Data: []float32{1, -2, 3.5, float32(math.Inf(1)), 0, -0.25}},
		"a.bias":   {Shape: []int{3}, Data: []float32{0.1, 0.2, 0.3}},
		"step":     {Shape: []int{}, Data: []float32{7}},
		"empty":    {Shape: []int{0, 4}, Data: []float32{}},
	}
}

func sameTensors(t *testing.T, got, want map[string]Tensor) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d tensors, want %d", len(got), len(want))
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Fatalf("tensor %q missing", name)
		}
		if len(g.Shape) != len(w.Shape) || (len(w.Shape) > 0 && !reflect.DeepEqual(g.Shape, w.Shape)) {
			t.Errorf("%s: shape %v, want %v", name, g.Shape, w.Shape)
		}
		if len(g.Data) != len(w.Data) {
			t.Fatalf("%s: %d values, want %d", name, len(g.Data), len(w.Data))
		}
		for i := range w.Data {
			if math.Float32bits(g.Data[i]) != math.Float32bits(w.Data[i]) {
				t.Errorf("%s[%d] = %v, want %v (bitwise)", name, i, g.Data[i], w.Data[i])
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ck.safetensors")
	meta := map[string]string{"step": "1200", "config": `{"D":"inf"}`}
	if err := Write(p, sample(), meta); err != nil {
		t.Fatal(err)
	}
	got, gotMeta, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	sameTensors(t, got, sample())
	if !reflect.DeepEqual(gotMeta, meta) {
		t.Errorf("metadata %v, want %v", gotMeta, meta)
	}
	b, _ := os.ReadFile(p)
	hlen := binary.LittleEndian.Uint64(b)
	if hlen%8 != 0 {
		t.Errorf("header length %d not padded to 8", hlen)
	}
}

func TestEmptyFile(t *testing.T) {
	var buf bytes.Buffer
	if err := Encode(&buf, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, meta, err := Decode(buf.Bytes())
	if err != nil || len(got) != 0 || len(meta) != 0 {
		t.Fatalf("Decode(empty) = %v, %v, %v", got, meta, err)
	}
}

func TestEncodeRejectsBadTensors(t *testing.T) {
	for name, ts := range map[string]map[string]Tensor{
		"shape mismatch": {"x": {Shape: []int{2, 2}, Data: []float32{1, 2, 3}}},
		"negative dim":   {"x": {Shape: []int{-1}, Data: nil}},
		"reserved name":  {"__metadata__": {Shape: []int{1}, Data: []float32{1}}},
		"empty name":     {"": {Shape: []int{1}, Data: []float32{1}}},
	} {
		if err := Encode(&bytes.Buffer{}, ts, nil); err == nil {
			t.Errorf("%s: Encode accepted %v", name, ts)
		}
	}
}

// A failed Write must leave the previous checkpoint intact.
func TestWriteFailureKeepsOldFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ck.safetensors")
	if err := Write(p, sample(), nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(p)
	bad := map[string]Tensor{"x": {Shape: []int{5}, Data: []float32{1}}}
	if err := Write(p, bad, nil); err == nil {
		t.Fatal("Write accepted a bad tensor")
	}
	after, _ := os.ReadFile(p)
	if !bytes.Equal(before, after) {
		t.Fatal("failed Write changed the file")
	}
}

// fileOf builds a raw safetensors file from a header string and data bytes.
func fileOf(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestDecodeCorrupt(t *testing.T) {
	var good bytes.Buffer
	if err := Encode(&good, map[string]Tensor{
		"w": {Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}},
		"b": {Shape: []int{2}, Data: []float32{5, 6}},
	}, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	g := good.Bytes()
	hugeLen := binary.LittleEndian.AppendUint64(nil, 1<<40)
	d8 := make([]byte, 8)
	d16 := make([]byte, 16)
	cases := []struct {
		name string
		in   []byte
		want string // a fragment of the error message
	}{
		{"empty", nil, "too short"},
		{"7 bytes", g[:7], "too short"},
		{"header cut", g[:20], "truncated"},
		{"data cut", g[:len(g)-1], "truncated"},
		{"trailing byte", append(append([]byte{}, g...), 0), "cover"},
		{"huge header length", append(hugeLen, g[8:]...), "limit"},
		{"not json", fileOf("{nope", nil), "not a JSON object"},
		{"json array", fileOf("[1,2]", nil), "not a JSON object"},
		{"json null", fileOf("null", nil), "null"},
		{"bad dtype", fileOf(`{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, d8), `"x": unsupported dtype "I64"`},
		{"missing field", fileOf(`{"x":{"dtype":"F32","shape":[2]}}`, d8), `"x"`},
		{"one offset", fileOf(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0]}}`, d8), "2"},
		{"reversed offsets", fileOf(`{"x":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}`, d8), "increasing"},
		{"negative offset", fileOf(`{"x":{"dtype":"F32","shape":[0],"data_offsets":[-4,-4]}}`, d8), "increasing"},
		{"shape mismatch", fileOf(`{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, d8), `"x": shape [3]`},
		{"negative dim", fileOf(`{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, d8), "negative"},
		{"overflowing shape", fileOf(`{"x":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,0]}}`, nil), "too large"},
		{"float dim", fileOf(`{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, d8[:4]), `"x"`},
		{"gap", fileOf(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}`, d16), "gap"},
		{"overlap", fileOf(`{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, d16), "overlap"},
		{"past end", fileOf(`{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, d8), "run past"},
		{"metadata not strings", fileOf(`{"__metadata__":{"a":1}}`, nil), "__metadata__"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Decode(c.in)
			if err == nil {
				t.Fatal("Decode accepted corrupt input")
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %v does not wrap ErrFormat", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func TestReadNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.safetensors")
	if err := os.WriteFile(p, []byte{1, 2, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := Read(p)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("error %v does not name %s", err, p)
	}
}

func TestDecodeOtherDtypes(t *testing.T) {
	le := binary.LittleEndian
	var data []byte
	// F64: 0.1 rounds to the float32 nearest 0.1; -3 is exact.
	data = le.AppendUint64(data, math.Float64bits(0.1))
	data = le.AppendUint64(data, math.Float64bits(-3))
	// F16: 1.0 = 0x3c00, -2.5 = 0xc100, smallest subnormal 2^-24 = 0x0001,
	// 65504 = 0x7bff (max), +Inf = 0x7c00.
	for _, h := range []uint16{0x3c00, 0xc100, 0x0001, 0x7bff, 0x7c00} {
		data = le.AppendUint16(data, h)
	}
	data = append(data, 0, 0) // pad F16 block to keep offsets simple
	// BF16: 1.0 = 0x3f80, -0.5 = 0xbf00.
	data = le.AppendUint16(data, 0x3f80)
	data = le.AppendUint16(data, 0xbf00)
	header := `{"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},` +
		`"h":{"dtype":"F16","shape":[6],"data_offsets":[16,28]},` +
		`"b":{"dtype":"BF16","shape":[2],"data_offsets":[28,32]}}`
	got, _, err := Decode(fileOf(header, data))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Tensor{
		"d": {Shape: []int{2}, Data: []float32{float32(0.1), -3}},
		"h": {Shape: []int{6}, Data: []float32{1, -2.5, float32(math.Ldexp(1, -24)), 65504, float32(math.Inf(1)), 0}},
		"b": {Shape: []int{2}, Data: []float32{1, -0.5}},
	}
	sameTensors(t, got, want)
}

func TestHalfToFloat32AllFinite(t *testing.T) {
	// Every finite half value is m·2^(e-25) with an 11-bit m; check against
	// that closed form for all 63,488 finite encodings.
	for h := 0; h < 1<<16; h++ {
		exp := (h >> 10) & 0x1f
		if exp == 0x1f {
			if got := halfToFloat32(uint16(h)); !math.IsInf(float64(got), 0) && !math.IsNaN(float64(got)) {
				t.Fatalf("half %#04x: got %v, want Inf/NaN", h, got)
			}
			continue
		}
		mant := h & 0x3ff
		var want float64
		if exp == 0 {
			want = math.Ldexp(float64(mant), -24)
		} else {
			want = math.Ldexp(float64(mant|0x400), exp-25)
		}
		if h&0x8000 != 0 {
			want = -want
		}
		if got := halfToFloat32(uint16(h)); float64(got) != want || math.Signbit(float64(got)) != (h&0x8000 != 0) {
			t.Fatalf("half %#04x: got %v, want %v", h, got, want)
		}
	}
}

// The PyTorch peer's fixtures must load, and re-encoding them must give the
// same bytes (same key order, offsets, padding and data).
func TestTorchFixtures(t *testing.T) {
	for _, name := range []string{"mlp_ref.safetensors", "unet_ref.safetensors"} {
		p := filepath.Join("..", "..", "shared", "peer", "fixtures", name)
		raw, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			t.Skipf("fixture %s not found (../shared is beside the project in CI and dev checkouts)", p)
		}
		if err != nil {
			t.Fatal(err)
		}
		tensors, meta, err := Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(meta) != 0 {
			t.Errorf("%s: unexpected metadata %v", name, meta)
		}
		x, ok := tensors["input.x"]
		if !ok || len(x.Shape) == 0 || x.Shape[0] != 4 {
			t.Errorf("%s: input.x = %v, want a batch of 4", name, x.Shape)
		}
		var buf bytes.Buffer
		if err := Encode(&buf, tensors, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), raw) {
			t.Errorf("%s: re-encoded bytes differ from the PyTorch file", name)
		}
	}
}

func TestReadRefusesDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero on this system")
	}
	link := filepath.Join(t.TempDir(), "zero.safetensors")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Skipf("cannot make a symlink: %v", err)
	}
	if _, _, err := Read(link); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("symlink to /dev/zero: %v", err)
	}
}
