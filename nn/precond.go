package nn

import (
	"fmt"
	"math"

	"github.com/pfgm/pfgm/ag"
)

// Precond is EDM's preconditioning of a network F (DESIGN §3.6):
// D(x, σ) = c_skip·x + c_out·F(c_in·x, ln σ / 4) with
// c_skip = σ_d²/(σ²+σ_d²), c_out = σ·σ_d/√(σ²+σ_d²), c_in = 1/√(σ²+σ_d²).
type Precond struct {
	Net       Model
	SigmaData float64 // σ_d; 0 means 0.5
}

// PrecondCoeffs returns EDM's c_skip, c_out and c_in at noise level sigma
// for data of standard deviation sigmaData (see Precond).
func PrecondCoeffs(sigma, sigmaData float64) (cSkip, cOut, cIn float64) {
	q := sigma*sigma + sigmaData*sigmaData
	return sigmaData * sigmaData / q, sigma * sigmaData / math.Sqrt(q), 1 / math.Sqrt(q)
}

func (p *Precond) sigmaData() float64 {
	if p.SigmaData == 0 {
		return 0.5
	}
	return p.SigmaData
}

// Params returns the network's parameters named as in the PyTorch peer's
// Precond module ("net." + the network's own name). The tensors are shared.
func (p *Precond) Params() []*Param {
	ps := p.Net.Params()
	out := make([]*Param, len(ps))
	for i, q := range ps {
		out[i] = &Param{Name: "net." + q.Name, Tensor: q.Tensor}
	}
	return out
}

// Forward returns D(x, σ) for x [B, …] and one σ > 0 per sample.
func (p *Precond) Forward(t *ag.Tape, x *ag.Tensor, sigma []float32) *ag.Tensor {
	return p.ForwardClass(t, x, sigma, nil)
}

// ForwardClass is Forward for a class-conditional network, with one-hot
// labels [B, classes]; nil labels mean an unconditional network.
func (p *Precond) ForwardClass(t *ag.Tape, x *ag.Tensor, sigma []float32, onehot *ag.Tensor) *ag.Tensor {
	bs := x.Shape[0]
	if len(sigma) != bs {
		panic(fmt.Sprintf("nn.Precond: %d sigmas for batch %d", len(sigma), bs))
	}
	var shape [8]int
	r := len(x.Shape)
	shape[0] = bs
	for i := 1; i < r; i++ {
		shape[i] = 1
	}
	cSkip := t.NewTensor(shape[:r]...)
	cOut := t.NewTensor(shape[:r]...)
	cIn := t.NewTensor(shape[:r]...)
	cNoise := t.NewTensor(bs)
	sd := p.sigmaData()
	for b, s32 := range sigma {
		s := float64(s32)
		cs, co, ci := PrecondCoeffs(s, sd)
		cSkip.Data[b], cOut.Data[b], cIn.Data[b] = float32(cs), float32(co), float32(ci)
		cNoise.Data[b] = float32(math.Log(s) / 4)
	}
	var f *ag.Tensor
	if onehot != nil {
		cm, ok := p.Net.(ClassModel)
		if !ok {
			panic(fmt.Sprintf("nn.Precond: %T takes no class labels", p.Net))
		}
		f = cm.ForwardClass(t, t.Mul(x, cIn), cNoise, onehot)
	} else {
		f = p.Net.Forward(t, t.Mul(x, cIn), cNoise)
	}
	return t.Add(t.Mul(x, cSkip), t.Mul(f, cOut))
}
