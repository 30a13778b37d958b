package classifier

import (
	"embed"
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/safetensors"
)

//go:embed weights/*.safetensors
var weightFiles embed.FS

// References lists the data sets with embedded trained weights.
func References() []string { return []string{"mnist", "fashion-mnist"} }

// Pretrained returns the embedded network trained on ref ("mnist" or
// "fashion-mnist"); weights/WEIGHTS.md says how each was made.
func Pretrained(ref string) (*Net, error) {
	known := false
	for _, r := range References() {
		known = known || r == ref
	}
	if !known {
		return nil, fmt.Errorf("classifier: no trained weights for %q (want mnist or fashion-mnist)", ref)
	}
	b, err := weightFiles.ReadFile("weights/" + ref + ".safetensors")
	if err != nil {
		return nil, fmt.Errorf("classifier: embedded weights for %s: %w", ref, err)
	}
	st, _, err := safetensors.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("classifier: embedded weights for %s: %w", ref, err)
	}
	return fromTensors(st)
}

// Load reads a network saved by Save.
func Load(path string) (*Net, error) {
	st, _, err := safetensors.Read(path)
	if err != nil {
		return nil, fmt.Errorf("classifier: %w", err)
	}
	n, err := fromTensors(st)
	if err != nil {
		return nil, fmt.Errorf("classifier: %s: %w", path, err)
	}
	return n, nil
}

func fromTensors(st map[string]safetensors.Tensor) (*Net, error) {
	n := New(rand.New(rand.NewPCG(0, 0)))
	if len(st) != len(n.Params()) {
		return nil, fmt.Errorf("classifier: weights hold %d tensors, the network has %d", len(st), len(n.Params()))
	}
	err := nn.LoadParams(n.Params(), "", func(name string) ([]float32, bool) {
		t, ok := st[name]
		return t.Data, ok
	})
	if err != nil {
		return nil, fmt.Errorf("classifier: %w", err)
	}
	return n, nil
}

// Save writes the weights to path as float32 safetensors (atomically), with
// metadata (e.g. the command and accuracy) in the header.
func (n *Net) Save(path string, metadata map[string]string) error {
	st := make(map[string]safetensors.Tensor)
	for _, p := range n.Params() {
		st[p.Name] = safetensors.Tensor{Shape: append([]int(nil), p.Shape...), Data: append([]float32(nil), p.Data...)}
	}
	if err := safetensors.Write(path, st, metadata); err != nil {
		return fmt.Errorf("classifier: %w", err)
	}
	return nil
}
