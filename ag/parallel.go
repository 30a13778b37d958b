package ag

import "sync"

// parallelMin is the element count below which an element-wise op runs
// faster on one goroutine than split over workers.
const parallelMin = 1 << 15

// parallelFor splits [0, n) into at most workers contiguous ranges and runs
// fn(w, lo, hi) for each, w being the range's worker index (for per-worker
// scratch). It returns when all are done.
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
