package optim

import (
	"fmt"

	"github.com/pfgm/pfgm/safetensors"
)

// EMA keeps an exponential moving average of parameters ("shadow" weights),
// the weights a trained model samples from.
type EMA struct {
	decay   float64
	names   []string
	shapes  [][]int
	shadow  [][]float32
	updates int64
}

// NewEMA starts the average at the parameters' current values. decay is the
// weight of the old average per update (e.g. 0.999). It panics on a decay
// outside [0, 1] or malformed params (programming errors).
func NewEMA(params []Param, decay float64) *EMA {
	if !(decay >= 0 && decay <= 1) {
		panic(fmt.Sprintf("optim: EMA decay %v outside [0, 1]", decay))
	}
	if err := checkParams(params, false); err != nil {
		panic(err)
	}
	e := &EMA{decay: decay}
	for _, p := range params {
		e.names = append(e.names, p.Name)
		e.shapes = append(e.shapes, p.shape())
		e.shadow = append(e.shadow, append([]float32(nil), p.Data...))
	}
	return e
}

// Decay is the weight of the old average per update.
func (e *EMA) Decay() float64 { return e.decay }

// Updates is how many times Update has run (restored by LoadState).
func (e *EMA) Updates() int64 { return e.updates }

// Update moves the average towards params:
// shadow = decay·shadow + (1−decay)·param, computed in float64 per element
// so that a decay near 1 does not lose the small increments to float32
// rounding. params must be the list the EMA was made from (same order and
// lengths); it panics otherwise.
func (e *EMA) Update(params []Param) {
	e.mustMatch(params)
	for i, p := range params {
		emaUpdate(e.shadow[i], p.Data, e.decay)
	}
	e.updates++
}

// Shadow returns the averaged weights as Params (no gradients) sharing the
// EMA's storage, in the order of the original list: writes to them change
// the average.
func (e *EMA) Shadow() []Param {
	out := make([]Param, len(e.names))
	for i := range e.names {
		out[i] = Param{Name: e.names[i], Data: e.shadow[i], Shape: e.shapes[i]}
	}
	return out
}

// CopyTo overwrites params' values with the averaged weights, e.g. to load
// the EMA into a model for sampling.
func (e *EMA) CopyTo(params []Param) error {
	if err := e.match(params); err != nil {
		return err
	}
	for i, p := range params {
		copy(p.Data, e.shadow[i])
	}
	return nil
}

// Swap exchanges params' values with the averaged weights. Calling it twice
// restores both, which lets a trainer evaluate with EMA weights mid-run
// without an extra copy of the model.
func (e *EMA) Swap(params []Param) error {
	if err := e.match(params); err != nil {
		return err
	}
	for i, p := range params {
		s := e.shadow[i]
		for j := range s {
			s[j], p.Data[j] = p.Data[j], s[j]
		}
	}
	return nil
}

func (e *EMA) match(params []Param) error {
	if len(params) != len(e.names) {
		return fmt.Errorf("optim: EMA has %d parameters, got %d", len(e.names), len(params))
	}
	for i, p := range params {
		if p.Name != e.names[i] || len(p.Data) != len(e.shadow[i]) {
			return fmt.Errorf("optim: EMA parameter %d is %q with %d values, got %q with %d",
				i, e.names[i], len(e.shadow[i]), p.Name, len(p.Data))
		}
	}
	return nil
}

func (e *EMA) mustMatch(params []Param) {
	if err := e.match(params); err != nil {
		panic(err)
	}
}

const (
	emaPrefix     = "ema."
	emaUpdatesKey = "ema_state.updates"
)

// State returns copies of the averaged weights keyed "ema.<name>" with the
// parameters' shapes, plus the update count under "ema_state.updates" (two
// float32 values, as for Adam's step).
func (e *EMA) State() map[string]safetensors.Tensor {
	st := make(map[string]safetensors.Tensor, len(e.names)+1)
	for i, name := range e.names {
		st[emaPrefix+name] = safetensors.Tensor{Shape: e.shapes[i], Data: append([]float32(nil), e.shadow[i]...)}
	}
	st[emaUpdatesKey] = encodeCount(e.updates)
	return st
}

// LoadState restores what State saved. Keys that are not the EMA's are
// ignored; missing, misshapen or extra "ema." entries are errors, and on
// error the EMA is unchanged. A missing update count is accepted (as 0), so
// a file of bare EMA weights loads too.
func (e *EMA) LoadState(st map[string]safetensors.Tensor) error {
	var updates int64
	if _, ok := st[emaUpdatesKey]; ok {
		var err error
		if updates, err = decodeCount(st, emaUpdatesKey); err != nil {
			return err
		}
	}
	params := e.Shadow()
	vals := make([][]float32, len(params))
	for i, p := range params {
		var err error
		if vals[i], err = stateFor(st, emaPrefix, p); err != nil {
			return err
		}
	}
	if err := noExtra(st, params, emaPrefix); err != nil {
		return err
	}
	for i := range params {
		copy(e.shadow[i], vals[i])
	}
	e.updates = updates
	return nil
}
