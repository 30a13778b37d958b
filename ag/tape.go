package ag

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

// node is one recorded op. Its backward is a plain function (not a
// closure) so recording allocates nothing once the node slice is warm.
type node struct {
	back    func(t *Tape, n *node)
	out     *Tensor
	a, b, c *Tensor
	d       *Tensor // a fourth input (Conv2dAdd's per-sample bias)
	aux     *Tensor // saved forward quantities (arena-owned)
	i       [4]int
	f       float32
}

// Tape records ops for reverse-mode differentiation and owns the buffers of
// every tensor its ops create. Reset recycles them in op order: the k-th
// tensor requested after a Reset reuses the k-th buffer of the previous pass
// when it is large enough, so a fixed graph reaches a steady state without
// allocation.
//
// A Tape is not safe for concurrent use; ops parallelise internally.
type Tape struct {
	record  bool
	nodes   []node
	arena   []*Tensor
	next    int
	views   []*Tensor
	nextV   int
	workers int
	scr     [][]float32
	// shr is scratch shared by the workers of one op, each writing its own
	// part of it (a reduction's partial sums).
	shr []float32
	// colBudget overrides defaultColBudget (tests use tiny blocks).
	colBudget int
	precision Precision
	flops     atomic.Int64 // GEMMFlops
	model     atomic.Int64 // ModelFlops
}

// scratchSlots is the number of scratch buffers per worker.
const scratchSlots = 6

// NewTape returns a tape that records ops for Backward.
func NewTape() *Tape {
	t := &Tape{record: true}
	t.SetWorkers(runtime.GOMAXPROCS(0))
	return t
}

// NewInferenceTape returns a tape that only runs forward passes: nothing is
// recorded and no gradients are produced.
func NewInferenceTape() *Tape {
	t := &Tape{}
	t.SetWorkers(runtime.GOMAXPROCS(0))
	return t
}

// Recording reports whether the tape records ops for Backward.
func (t *Tape) Recording() bool { return t.record }

// SetWorkers sets how many goroutines the tape's ops may use, their
// matrix products included (default: GOMAXPROCS when the tape was made;
// n < 1 counts as 1). It is the engine's thread setting: it belongs to the
// tape, so tapes with different settings can run side by side, and like
// every Tape method it must not be called while an op of the tape runs.
//
// Results do not depend on it: every op gives the same bits on any number
// of workers (see parallel.go), so a training run may be resumed with
// another thread count or on another machine and continue bit for bit.
func (t *Tape) SetWorkers(n int) {
	if n < 1 {
		n = 1
	}
	t.workers = n
	for len(t.scr) < n*scratchSlots {
		t.scr = append(t.scr, nil)
	}
}

// Reset forgets the recorded ops and makes every tensor the tape produced
// available for reuse by the next pass.
func (t *Tape) Reset() {
	for i := range t.nodes {
		t.nodes[i] = node{}
	}
	t.nodes = t.nodes[:0]
	t.next = 0
	t.nextV = 0
}

// NewTensor returns a zeroed tape-owned tensor (valid until Reset).
func (t *Tape) NewTensor(shape ...int) *Tensor {
	x := t.alloc(shape...)
	clear(x.Data)
	return x
}

// Const returns a tape-owned copy of data with the given shape.
func (t *Tape) Const(data []float32, shape ...int) *Tensor {
	x := t.alloc(shape...)
	if len(data) != len(x.Data) {
		panic(fmt.Sprintf("ag.Const: %d values for shape %v", len(data), x.Shape))
	}
	copy(x.Data, data)
	return x
}

// alloc returns a tape-owned tensor with uninitialised Data.
func (t *Tape) alloc(shape ...int) *Tensor {
	n := numel(shape)
	var x *Tensor
	if t.next < len(t.arena) {
		x = t.arena[t.next]
		if cap(x.Data) < n {
			x.Data = make([]float32, n)
		}
		x.Data = x.Data[:n]
		x.Shape = append(x.Shape[:0], shape...)
	} else {
		x = &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, n)}
		t.arena = append(t.arena, x)
	}
	t.next++
	x.RequiresGrad = false
	x.fresh = false
	x.Grad = x.Grad[:0]
	return x
}

// view returns a tape-owned tensor sharing data (for reshapes).
func (t *Tape) view(data []float32, shape ...int) *Tensor {
	var x *Tensor
	if t.nextV < len(t.views) {
		x = t.views[t.nextV]
		x.Shape = append(x.Shape[:0], shape...)
	} else {
		x = &Tensor{Shape: append([]int(nil), shape...)}
		t.views = append(t.views, x)
	}
	t.nextV++
	x.Data = data
	x.RequiresGrad = false
	x.fresh = false
	x.Grad = x.Grad[:0]
	return x
}

// push records an op whose output needs a gradient; it returns the node
// so the caller can fill in what backward needs.
func (t *Tape) push(back func(*Tape, *node), out *Tensor, a, b, c *Tensor) *node {
	out.RequiresGrad = true
	t.nodes = append(t.nodes, node{back: back, out: out, a: a, b: b, c: c})
	return &t.nodes[len(t.nodes)-1]
}

// needs reports whether an op on these inputs must be recorded.
func (t *Tape) needs(xs ...*Tensor) bool {
	if !t.record {
		return false
	}
	for _, x := range xs {
		if x != nil && x.RequiresGrad {
			return true
		}
	}
	return false
}

// Backward computes d(loss)/d(x) for every tensor x recorded on the tape
// and accumulates it into the Grad of leaves with RequiresGrad (leaf
// gradients are added to, never cleared: zero them between steps).
// loss must hold a single element.
func (t *Tape) Backward(loss *Tensor) {
	if !t.record {
		panic("ag: Backward on an inference tape")
	}
	if loss.Numel() != 1 {
		panic(fmt.Sprintf("ag: Backward needs a scalar loss, got shape %v", loss.Shape))
	}
	if !loss.RequiresGrad {
		return
	}
	for i := range t.nodes {
		o := t.nodes[i].out
		if cap(o.Grad) < len(o.Data) {
			o.Grad = make([]float32, len(o.Data))
		}
		o.Grad = o.Grad[:len(o.Data)]
		o.fresh = true
	}
	loss.Grad[0] = 1
	loss.fresh = false
	for i := len(t.nodes) - 1; i >= 0; i-- {
		n := &t.nodes[i]
		if n.out.fresh {
			continue // no gradient reached this op: its contribution is zero
		}
		n.back(t, n)
	}
}

// scratch returns worker w's scratch buffer number slot with at least n
// elements. Scratch is shared by all ops of the tape (they run one at a
// time), so it is sized by the largest op, not the sum of all ops.
//
// Workers call it concurrently, each for its own w: the table of buffers
// is sized for all workers up front (see SetWorkers), so only a worker's
// own entries ever change.
func (t *Tape) scratch(w, slot, n int) []float32 {
	i := w*scratchSlots + slot
	if len(t.scr) == 0 && t.workers <= 1 {
		t.SetWorkers(1) // a zero Tape: everything runs on the caller's goroutine
	}
	if i >= len(t.scr) {
		panic("ag: scratch for a worker the tape was not sized for")
	}
	if cap(t.scr[i]) < n {
		t.scr[i] = make([]float32, n)
	}
	return t.scr[i][:n]
}

// shared returns a scratch buffer of n elements for one op's workers to
// fill disjoint parts of (sized before the workers start).
func (t *Tape) shared(n int) []float32 {
	if cap(t.shr) < n {
		t.shr = make([]float32, n)
	}
	return t.shr[:n]
}
