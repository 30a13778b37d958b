package optim

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/pfgm/pfgm/safetensors"
)

const countBase = 1 << 24 // float32 represents every integer below this

func encodeCount(n int64) safetensors.Tensor {
	return safetensors.Tensor{Shape: []int{2}, Data: []float32{float32(n / countBase), float32(n % countBase)}}
}

func decodeCount(st map[string]safetensors.Tensor, key string) (int64, error) {
	t, ok := st[key]
	if !ok {
		return 0, fmt.Errorf("optim: state has no %q", key)
	}
	if len(t.Data) != 2 {
		return 0, fmt.Errorf("optim: state %q has %d values, want 2", key, len(t.Data))
	}
	hi, lo := float64(t.Data[0]), float64(t.Data[1])
	if hi < 0 || lo < 0 || lo >= countBase || hi != math.Trunc(hi) || lo != math.Trunc(lo) || hi >= countBase {
		return 0, fmt.Errorf("optim: state %q = %v is not a step count", key, t.Data)
	}
	return int64(hi)*countBase + int64(lo), nil
}

// stateFor returns the values of the state tensor prefix+p.Name after
// checking it matches p; the caller copies them into place once every entry
// has passed.
func stateFor(st map[string]safetensors.Tensor, prefix string, p Param) ([]float32, error) {
	key := prefix + p.Name
	t, ok := st[key]
	if !ok {
		return nil, fmt.Errorf("optim: state has no %q for parameter %q", key, p.Name)
	}
	if len(t.Data) != len(p.Data) {
		return nil, fmt.Errorf("optim: state %q has %d values (shape %v) but parameter %q has %d (shape %v)",
			key, len(t.Data), t.Shape, p.Name, len(p.Data), p.shape())
	}
	if p.Shape != nil && !slices.Equal(t.Shape, p.Shape) {
		return nil, fmt.Errorf("optim: state %q has shape %v but parameter %q has shape %v", key, t.Shape, p.Name, p.Shape)
	}
	return t.Data, nil
}

// noExtra reports a state tensor under one of prefixes that names no
// parameter: state saved from a different model.
func noExtra(st map[string]safetensors.Tensor, params []Param, prefixes ...string) error {
	names := make(map[string]bool, len(params))
	for _, p := range params {
		names[p.Name] = true
	}
	for key := range st {
		for _, pre := range prefixes {
			if name, ok := strings.CutPrefix(key, pre); ok && !names[name] {
				return fmt.Errorf("optim: state %q names no parameter of this model", key)
			}
		}
	}
	return nil
}
