package optim

import (
	"fmt"
	"math"

	"github.com/pfgm/pfgm/safetensors"
)

// AdamConfig holds Adam's hyper-parameters. LR is the base learning rate that
// callers scale (see WarmupLR) and pass to Step.
type AdamConfig struct {
	LR          float64
	Beta1       float64
	Beta2       float64
	Eps         float64
	WeightDecay float64
	// Decoupled selects AdamW (torch.optim.AdamW): the weights shrink by
	// lr·WeightDecay each step instead of WeightDecay·θ being added to the
	// gradient (torch.optim.Adam's L2 penalty).
	Decoupled bool
}

// DefaultAdamConfig is torch.optim.Adam's defaults: lr 1e-3, betas (0.9,
// 0.999), eps 1e-8, no weight decay.
func DefaultAdamConfig() AdamConfig {
	return AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Validate reports hyper-parameters outside the ranges PyTorch accepts.
func (c AdamConfig) Validate() error {
	switch {
	case !(c.LR >= 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("optim: invalid learning rate %v", c.LR)
	case !(c.Beta1 >= 0 && c.Beta1 < 1):
		return fmt.Errorf("optim: invalid beta1 %v, want 0 ≤ beta1 < 1", c.Beta1)
	case !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("optim: invalid beta2 %v, want 0 ≤ beta2 < 1", c.Beta2)
	case !(c.Eps >= 0) || math.IsInf(c.Eps, 0):
		return fmt.Errorf("optim: invalid eps %v", c.Eps)
	case !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 0):
		return fmt.Errorf("optim: invalid weight decay %v", c.WeightDecay)
	}
	return nil
}

// Adam is torch.optim.Adam (or AdamW when Decoupled) over a fixed list of
// parameters, reproducing PyTorch 1.13's single-tensor update operation by
// operation in float32, so a run here and the PyTorch peer agree to float32
// rounding.
type Adam struct {
	AdamConfig
	params []Param
	m, v   [][]float32
	step   int64
}

// NewAdam makes an optimizer with zero moments for params. It panics if cfg
// is invalid or params are malformed (see Param); both are programming
// errors, and cfg.Validate lets flag parsing report the first kind nicely.
func NewAdam(params []Param, cfg AdamConfig) *Adam {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	if err := checkParams(params, true); err != nil {
		panic(err)
	}
	a := &Adam{AdamConfig: cfg, params: params}
	a.m = make([][]float32, len(params))
	a.v = make([][]float32, len(params))
	for i, p := range params {
		a.m[i] = make([]float32, len(p.Data))
		a.v[i] = make([]float32, len(p.Data))
	}
	return a
}

// Steps is the number of updates applied so far (PyTorch's state["step"]).
func (a *Adam) Steps() int64 { return a.step }

// Step applies one update with learning rate lr to every parameter, from
// the gradients currently in the Params.
func (a *Adam) Step(lr float64) {
	a.step++
	t := float64(a.step)
	// Scalars are computed in float64 exactly as PyTorch does in Python and
	// then rounded to float32, as ATen does when it applies them to float32
	// tensors.
	bc1 := 1 - math.Pow(a.Beta1, t)
	bc2 := 1 - math.Pow(a.Beta2, t)
	c := adamCoeffs{
		beta1:    float32(a.Beta1),
		oneMinB1: float32(1 - a.Beta1),
		beta2:    float32(a.Beta2),
		oneMinB2: float32(1 - a.Beta2),
		bc2Sqrt:  float32(math.Sqrt(bc2)),
		eps:      float32(a.Eps),
		negStep:  float32(-(lr / bc1)),
	}
	if a.WeightDecay != 0 {
		if a.Decoupled {
			c.decoupled = true
			c.shrink = float32(1 - lr*a.WeightDecay)
		} else {
			c.l2 = float32(a.WeightDecay)
		}
	}
	for i, p := range a.params {
		adamUpdate(p.Data, p.Grad, a.m[i], a.v[i], &c)
	}
}

// ZeroGrad sets every gradient to zero.
func (a *Adam) ZeroGrad() {
	for _, p := range a.params {
		clear(p.Grad)
	}
}

// State key layout: one tensor per parameter and moment, and the step count.
const (
	adamMPrefix = "adam.m."
	adamVPrefix = "adam.v."
	adamStepKey = "adam.step"
)

// State returns copies of the moments, keyed "adam.m.<name>" and
// "adam.v.<name>" with the parameters' shapes, and the step count under
// "adam.step" as two float32 values [step / 2^24, step mod 2^24] (each exact
// in float32, so counts beyond 2^24 survive). The keys can share a file with
// the model's own weights.
func (a *Adam) State() map[string]safetensors.Tensor {
	st := make(map[string]safetensors.Tensor, 2*len(a.params)+1)
	for i, p := range a.params {
		st[adamMPrefix+p.Name] = safetensors.Tensor{Shape: p.shape(), Data: append([]float32(nil), a.m[i]...)}
		st[adamVPrefix+p.Name] = safetensors.Tensor{Shape: p.shape(), Data: append([]float32(nil), a.v[i]...)}
	}
	st[adamStepKey] = encodeCount(a.step)
	return st
}

// LoadState restores moments and step count saved by State. Keys that are
// not Adam's are ignored; a missing, misshapen or extra Adam entry is an
// error, and on error the optimizer is unchanged.
func (a *Adam) LoadState(st map[string]safetensors.Tensor) error {
	step, err := decodeCount(st, adamStepKey)
	if err != nil {
		return err
	}
	m := make([][]float32, len(a.params))
	v := make([][]float32, len(a.params))
	for i, p := range a.params {
		if m[i], err = stateFor(st, adamMPrefix, p); err != nil {
			return err
		}
		if v[i], err = stateFor(st, adamVPrefix, p); err != nil {
			return err
		}
	}
	if err := noExtra(st, a.params, adamMPrefix, adamVPrefix); err != nil {
		return err
	}
	for i := range a.params {
		copy(a.m[i], m[i])
		copy(a.v[i], v[i])
	}
	a.step = step
	return nil
}
