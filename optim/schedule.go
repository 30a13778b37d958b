package optim

// WarmupLR ramps the learning rate linearly from base/warmup at step 0 to
// base at step warmup−1 and holds it there; warmup ≤ 1 means no warm-up.
// Steps count from 0, so the first update already moves the weights.
func WarmupLR(base float64, step, warmup int) float64 {
	if warmup <= 1 || step >= warmup-1 {
		return base
	}
	if step < 0 {
		step = 0
	}
	return base * float64(step+1) / float64(warmup)
}
