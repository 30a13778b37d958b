package ag

import "fmt"

// Tensor is a dense, row-major float32 array. Grad, when non-nil, has the
// same length as Data and receives d(loss)/d(Data) from Tape.Backward.
type Tensor struct {
	Shape []int
	Data  []float32
	Grad  []float32
	// RequiresGrad marks a leaf (parameter or input) whose gradient
	// Backward must accumulate into Grad; ops propagate it to their outputs.
	RequiresGrad bool

	// fresh marks an intermediate whose Grad buffer holds stale values
	// during Backward: the first contribution overwrites instead of adding,
	// which saves clearing every activation gradient each step.
	fresh bool
}

// NewTensor returns a zero tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, numel(shape))}
}

// FromData wraps data (not copied) as a tensor of the given shape.
func FromData(data []float32, shape ...int) *Tensor {
	if numel(shape) != len(data) {
		panic(fmt.Sprintf("ag.FromData: %d values for shape %v", len(data), shape))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// Numel is the number of elements.
func (x *Tensor) Numel() int { return len(x.Data) }

// SetRequiresGrad marks x as a leaf whose gradient is wanted and makes sure
// its Grad buffer exists.
func (x *Tensor) SetRequiresGrad() *Tensor {
	x.RequiresGrad = true
	if len(x.Grad) != len(x.Data) {
		x.Grad = make([]float32, len(x.Data))
	}
	return x
}

// ZeroGrad clears x.Grad if it exists.
func (x *Tensor) ZeroGrad() { clear(x.Grad) }

func (x *Tensor) String() string { return fmt.Sprintf("Tensor%v", x.Shape) }

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		if s < 0 {
			panic(fmt.Sprintf("ag: negative dimension in shape %v", append([]int(nil), shape...)))
		}
		n *= s
	}
	return n
}

// grad returns x's gradient buffer ready for accumulation, creating it
// for a leaf on first use and clearing a fresh intermediate's.
func grad(x *Tensor) []float32 {
	g, overwrite := gradW(x)
	if overwrite {
		clear(g)
	}
	return g
}

// gradW returns x's gradient buffer and whether the caller must overwrite
// it (the first contribution to a fresh intermediate). A caller that gets
// overwrite = true must write every element.
func gradW(x *Tensor) (g []float32, overwrite bool) {
	if len(x.Grad) != len(x.Data) {
		x.Grad = make([]float32, len(x.Data))
	}
	overwrite = x.fresh
	x.fresh = false
	return x.Grad, overwrite
}

// takeGrad hands out's gradient buffer to x when x's gradient is a plain
// copy of it and x is a fresh intermediate: each out.Grad is read only by
// the op that produced out, so after that op's backward the buffer is
// free, and swapping saves a pass over memory. It reports whether it did.
func takeGrad(x, out *Tensor) bool {
	if !x.fresh || len(x.Grad) != len(out.Grad) || x == out {
		return false
	}
	x.Grad, out.Grad = out.Grad, x.Grad
	x.fresh = false
	return true
}

// beta is the Sgemm β for accumulating (1) or overwriting (0).
func beta(overwrite bool) float32 {
	if overwrite {
		return 0
	}
	return 1
}
