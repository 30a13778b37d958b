package safetensors

import (
	"encoding/binary"
	"math"
)

// convert turns little-endian raw data of a checked dtype and length into
// float32 values.
func convert(dtype string, b []byte) []float32 {
	le := binary.LittleEndian
	switch dtype {
	case "F32":
		out := make([]float32, len(b)/4)
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		}
		return out
	case "F64":
		out := make([]float32, len(b)/8)
		for i := range out {
			out[i] = float32(math.Float64frombits(le.Uint64(b[8*i:])))
		}
		return out
	case "BF16":
		// bfloat16 is the top half of a float32, so widening is exact.
		out := make([]float32, len(b)/2)
		for i := range out {
			out[i] = math.Float32frombits(uint32(le.Uint16(b[2*i:])) << 16)
		}
		return out
	case "F16":
		out := make([]float32, len(b)/2)
		for i := range out {
			out[i] = halfToFloat32(le.Uint16(b[2*i:]))
		}
		return out
	}
	panic("safetensors: convert called with unchecked dtype " + dtype)
}

// halfToFloat32 widens an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN; keep the payload
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		// Subnormal: mant·2^-24, exactly representable in float32.
		f := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}
