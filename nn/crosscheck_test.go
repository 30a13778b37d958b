package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/safetensors"
)

// relErr is the per-tensor error norm used against the PyTorch fixtures:
// ‖a − b‖₂ / ‖b‖₂ over all elements (computed in float64).
func relErr(a, b []float32) float64 {
	var num, den float64
	for i := range b {
		d := float64(a[i]) - float64(b[i])
		num += d * d
		den += float64(b[i]) * float64(b[i])
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

// crossCheck loads a fixture made by torch_ref.py --export into net, runs
// the preconditioned forward and backward of loss = Σ D·g, and compares
// D, the loss and every gradient with PyTorch's at relative error tol.
func crossCheck(t *testing.T, path string, net Model, tol float64) {
	t.Helper()
	ts, _, err := safetensors.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	pc := &Precond{Net: net, SigmaData: 0.5}
	ps := pc.Params()
	nFix := 0
	for k := range ts {
		if strings.HasPrefix(k, "param.") {
			nFix++
		}
	}
	if nFix != len(ps) {
		t.Errorf("fixture has %d parameters, model %d", nFix, len(ps))
	}
	err = LoadParams(ps, "param.", func(name string) ([]float32, bool) {
		v, ok := ts[name]
		return v.Data, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if got, want := p.Shape, ts["param."+p.Name].Shape; !slices.Equal(got, want) {
			t.Errorf("%s: shape %v, PyTorch %v", p.Name, got, want)
		}
	}
	xs := ts["input.x"]
	x := ag.FromData(append([]float32(nil), xs.Data...), xs.Shape...).SetRequiresGrad()
	g := ag.FromData(ts["input.g"].Data, ts["input.g"].Shape...)
	tp := ag.NewTape()
	d := pc.Forward(tp, x, ts["input.sigma"].Data)
	if e := relErr(d.Data, ts["output.D"].Data); e > tol {
		t.Errorf("output.D: relative error %.3g > %.3g", e, tol)
	} else {
		t.Logf("output.D: relative error %.3g", e)
	}
	loss := tp.Dot(d, g)
	if e := relErr(loss.Data, ts["loss"].Data); e > tol {
		t.Errorf("loss %v, PyTorch %v", loss.Data[0], ts["loss"].Data[0])
	}
	tp.Backward(loss)
	worst, worstName := 0.0, ""
	for _, p := range ps {
		e := relErr(p.Grad, ts["grad."+p.Name].Data)
		if e > tol || math.IsNaN(e) {
			t.Errorf("grad.%s: relative error %.3g > %.3g", p.Name, e, tol)
		}
		if e > worst {
			worst, worstName = e, p.Name
		}
	}
	if e := relErr(x.Grad, ts["grad.input.x"].Data); e > tol {
		t.Errorf("grad.input.x: relative error %.3g > %.3g", e, tol)
	}
	t.Logf("worst parameter gradient: %s at %.3g", worstName, worst)
}

func TestCrossCheckMLP(t *testing.T) {
	net := NewMLP(MLPConfig{N: 2}, rand.New(rand.NewPCG(1, 2)))
	crossCheck(t, "testdata/mlp_ref.safetensors", net, 1e-4)
}

func TestCrossCheckUNet(t *testing.T) {
	net, err := NewUNet(DefaultUNetConfig(1, 28, 28), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	crossCheck(t, "testdata/unet_ref.safetensors", net, 1e-4)
}
