package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
)

// Param is a trainable tensor with its PyTorch state_dict name.
type Param struct {
	Name string
	*ag.Tensor
}

// Model is a denoising network F(x, c_noise): x is [B, …] and cNoise [B].
type Model interface {
	Params() []*Param
	Forward(t *ag.Tape, x *ag.Tensor, cNoise *ag.Tensor) *ag.Tensor
}

// ClassModel is a Model that can be conditioned on class labels.
type ClassModel interface {
	Model
	// NumClasses is the number of labels (0: an unconditional network).
	NumClasses() int
	// ForwardClass is Forward with one-hot labels [B, NumClasses].
	ForwardClass(t *ag.Tape, x, cNoise, onehot *ag.Tensor) *ag.Tensor
}

// NumClasses is how many labels m is conditioned on: 0 for unconditional
// networks.
func NumClasses(m Model) int {
	if c, ok := m.(ClassModel); ok {
		return c.NumClasses()
	}
	return 0
}

// SampleShaper is implemented by models that know the shape of one sample
// (without the batch dimension); the Denoiser adaptor needs it.
type SampleShaper interface {
	SampleShape() []int
}

// CountParams returns the number of scalar parameters of m.
func CountParams(m Model) int {
	n := 0
	for _, p := range m.Params() {
		n += p.Numel()
	}
	return n
}

// ZeroGrads clears the gradients of ps.
func ZeroGrads(ps []*Param) {
	for _, p := range ps {
		p.ZeroGrad()
	}
}

// LoadParams copies tensors into ps by name. Every parameter must be
// present with the same number of elements; prefix is prepended to the
// parameter names when looking them up (e.g. "param.net.").
func LoadParams(ps []*Param, prefix string, get func(name string) (data []float32, ok bool)) error {
	for _, p := range ps {
		d, ok := get(prefix + p.Name)
		if !ok {
			return fmt.Errorf("nn: parameter %s%s missing", prefix, p.Name)
		}
		if len(d) != p.Numel() {
			return fmt.Errorf("nn: parameter %s%s has %d values, model wants %d (shape %v)", prefix, p.Name, len(d), p.Numel(), p.Shape)
		}
		copy(p.Data, d)
	}
	return nil
}

// newParam makes a parameter filled by PyTorch's default Linear/Conv2d
// initialisation U(−1/√fanIn, 1/√fanIn).
func newParam(name string, fanIn int, rng *rand.Rand, shape ...int) *Param {
	t := ag.NewTensor(shape...)
	bound := 1 / math.Sqrt(float64(fanIn))
	for i := range t.Data {
		t.Data[i] = float32((2*rng.Float64() - 1) * bound)
	}
	t.SetRequiresGrad()
	return &Param{Name: name, Tensor: t}
}

func constParam(name string, v float32, n int) *Param {
	t := ag.NewTensor(n)
	for i := range t.Data {
		t.Data[i] = v
	}
	t.SetRequiresGrad()
	return &Param{Name: name, Tensor: t}
}

// Linear is a fully connected layer, weight [out, in] and bias [out].
type Linear struct{ W, B *Param }

// NewLinear initialises a Linear layer named prefix.weight / prefix.bias.
func NewLinear(prefix string, in, out int, rng *rand.Rand) *Linear {
	return &Linear{
		W: newParam(prefix+".weight", in, rng, out, in),
		B: newParam(prefix+".bias", in, rng, out),
	}
}

// Forward applies the layer to x [B, in].
func (l *Linear) Forward(t *ag.Tape, x *ag.Tensor) *ag.Tensor {
	return t.Linear(x, l.W.Tensor, l.B.Tensor)
}

// Params lists weight then bias.
func (l *Linear) Params() []*Param { return []*Param{l.W, l.B} }
