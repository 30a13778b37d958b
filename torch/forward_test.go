package torch

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"unicode"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/safetensors"
	"github.com/pfgm/pfgm/train"
)

// forwardTol bounds ‖D_twin − D_pfgm‖/‖D_pfgm‖ on the same weights and inputs.
const forwardTol = 1e-5

// checkForward builds c's network in pfgm, nudges every weight by N(0, 0.02)
// (so no GroupNorm sits at its identity), and compares pfgm's preconditioned
// denoiser with the twin's on the same weights and inputs, σ from 0.01 to 80.
// rename, if not nil, respells every key of the saved config.json (nested
// ones too), to check that the twin reads other spellings.
func checkForward(t *testing.T, c train.Config, batch int, rename func(string) string) {
	t.Helper()
	needTorch(t)
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 8))
	c, err := c.WithArchitecture()
	if err != nil {
		t.Fatal(err)
	}
	net, err := train.BuildModel(c, rng)
	if err != nil {
		t.Fatal(err)
	}
	w := map[string]safetensors.Tensor{}
	for _, p := range net.Params() {
		for i := range p.Data {
			p.Data[i] += float32(0.02 * rng.NormFloat64())
		}
		w["param."+p.Name] = safetensors.Tensor{Shape: p.Shape, Data: p.Data}
	}
	shape := c.InputShape(batch)
	x := ag.FromData(make([]float32, batch*c.Dim), shape...)
	for i := range x.Data {
		x.Data[i] = float32(2 * rng.NormFloat64())
	}
	sigma := make([]float32, batch)
	for i := range sigma {
		sigma[i] = float32(math.Exp(math.Log(0.01) + float64(i)/float64(batch-1)*math.Log(80/0.01)))
	}
	in := map[string]safetensors.Tensor{"x": {Shape: shape, Data: x.Data}, "sigma": {Shape: []int{batch}, Data: sigma}}
	pre := &nn.Precond{Net: net, SigmaData: c.SigmaData}
	tp := ag.NewTape()
	var want *ag.Tensor
	if c.Classes > 0 {
		labels := make([]int, batch)
		for i := range labels {
			labels[i] = i % c.Classes
		}
		onehot, err := nn.OneHot(tp, labels, c.Classes)
		if err != nil {
			t.Fatal(err)
		}
		in["onehot"] = safetensors.Tensor{Shape: onehot.Shape, Data: onehot.Data}
		want = pre.ForwardClass(tp, x, sigma, onehot)
	} else {
		want = pre.Forward(tp, x, sigma)
	}
	if err := train.SaveConfig(dir, &c); err != nil {
		t.Fatal(err)
	}
	if rename != nil {
		respell(t, filepath.Join(dir, "config.json"), rename)
	}
	wPath, inPath, outPath := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "in.safetensors"), filepath.Join(dir, "out.safetensors")
	if err := safetensors.Write(wPath, w, nil); err != nil {
		t.Fatal(err)
	}
	if err := safetensors.Write(inPath, in, nil); err != nil {
		t.Fatal(err)
	}
	runPy(t, "-m", "pfgm_torch.forward", "--config", filepath.Join(dir, "config.json"),
		"--weights", wPath, "--inputs", inPath, "--out", outPath)
	got := readST(t, outPath)["D"]
	if len(got.Data) != len(want.Data) {
		t.Fatalf("twin returned %d numbers (shape %v), pfgm %d", len(got.Data), got.Shape, len(want.Data))
	}
	e := relErr(got.Data, want.Data)
	t.Logf("%s, %d parameters: relative error %.3g", c.Model, nn.CountParams(net), e)
	if !(e <= forwardTol) {
		t.Errorf("twin's D differs from pfgm's: relative error %.3g > %.3g", e, forwardTol)
	}
}

func TestForwardMLP(t *testing.T) {
	t.Parallel()
	c := train.DefaultConfig()
	c.Data, c.Model, c.Dim = "toy:moons", "mlp", 2
	checkForward(t, c, 16, nil)
}

// TestForwardUNet is UNet-mnist, the default U-Net for 28×28 grey images.
func TestForwardUNet(t *testing.T) {
	t.Parallel()
	c := train.DefaultConfig()
	c.Data, c.Model, c.Dim, c.ImageC, c.ImageH, c.ImageW = "mnist", "unet", 784, 1, 28, 28
	checkForward(t, c, 4, nil)
}

// TestForwardUNetConfigured is a U-Net of another shape: two levels, one
// ResBlock each, no attention, a 64-wide embedding, RGB 8×8 input and three
// classes (the class embedding "cls"), with its config.json keys in
// snake_case ("res_blocks", "attn_at_lowest") and then in CamelCase
// ("ImageC", "SigmaData").
func TestForwardUNetConfigured(t *testing.T) {
	t.Parallel()
	c := train.DefaultConfig()
	c.Data, c.Model, c.Dim, c.ImageC, c.ImageH, c.ImageW = "pngs", "unet", 192, 3, 8, 8
	c.Cond, c.Classes = true, 3
	c.UNet = &nn.UNetConfig{C: 3, H: 8, W: 8, Channels: []int{16, 32}, ResBlocks: 1, Emb: 64}
	checkForward(t, c, 6, snake)
	checkForward(t, c, 6, camel)
}

// respell rewrites the JSON object in path with every key renamed.
func respell(t *testing.T, path string, rename func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				out[rename(k)] = walk(e)
			}
			return out
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		}
		return v
	}
	if b, err = json.Marshal(walk(v)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// snake is "res_blocks" for "ResBlocks"; camel is "ImageC" for "image_c".
func snake(k string) string {
	var out []rune
	for i, r := range k {
		if unicode.IsUpper(r) {
			if i > 0 {
				out = append(out, '_')
			}
			r = unicode.ToLower(r)
		}
		out = append(out, r)
	}
	return string(out)
}

func camel(k string) string {
	var out []rune
	up := true
	for _, r := range k {
		if r == '_' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
		}
		out = append(out, r)
		up = false
	}
	return string(out)
}
