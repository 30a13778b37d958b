package ag

import "sync"

// Determinism: no result may depend on the number of workers. Work is
// therefore always cut into pieces fixed by the shapes alone — samples,
// convolution groups, vector-aligned element ranges, a fixed number of
// partial sums — and each piece is computed and reduced in a fixed order;
// the worker count only decides which goroutine computes which piece.

// parallelMin is the element count below which an element-wise op runs
// faster on one goroutine than split over workers.
const parallelMin = 1 << 15

// vecGrain is the alignment of the element ranges that element-wise ops
// hand to workers: the vector kernels process 16 lanes and finish in Go, so
// a range boundary that is not a multiple of 16 would move elements between
// the two paths (which may round differently) with the worker count.
const vecGrain = 16

// parallelFor splits [0, n) into at most workers contiguous ranges and runs
// fn(w, lo, hi) for each, w being the range's worker index (for per-worker
// scratch). It returns when all are done.
//
// The ranges depend on workers: fn must compute each index of [0, n) on
// its own (a sample, a group, a partial sum), never accumulate across the
// indices of its range.
func parallelFor(workers, n int, fn func(w, lo, hi int)) {
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		if n > 0 {
			fn(0, 0, n)
		}
		return
	}
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		lo, hi := w*n/workers, (w+1)*n/workers
		go func() {
			defer wg.Done()
			fn(w, lo, hi)
		}()
	}
	fn(0, 0, n/workers)
	wg.Wait()
}

// innerThreads is the thread budget of each GEMM that outer workers run at
// once: the tape's workers shared out, so that an op keeps about the
// tape's worker count of goroutines busy.
func (t *Tape) innerThreads(outer int) int {
	return max(1, (t.workers+outer-1)/max(outer, 1))
}

// parallelElems runs fn over [0, n) split into ranges for the workers, every
// boundary but n itself a multiple of vecGrain. Callers run small slices
// (below parallelMin) directly: fn escapes here.
func parallelElems(workers, n int, fn func(lo, hi int)) {
	blocks := (n + vecGrain - 1) / vecGrain
	parallelFor(workers, blocks, func(_, lo, hi int) { fn(lo*vecGrain, min(hi*vecGrain, n)) })
}

// fixedParts is the number of partial sums a reduction over a batch is
// split into (fewer when there are fewer items): a constant, so the order
// of the additions is the same for every worker count, and large enough
// that the parts spread evenly over the workers of a small machine.
const fixedParts = 16

// partSpan returns the items [lo, hi) of part p when n items are cut into
// parts contiguous parts.
func partSpan(p, parts, n int) (lo, hi int) { return p * n / parts, (p + 1) * n / parts }
