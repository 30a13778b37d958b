package bench

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Timing is the wall time of each timed repetition of a step.
type Timing struct {
	Times []time.Duration
}

// Time calls step warmup times untimed, then reps times timed. It stops at
// the first error from step or when ctx is done.
func Time(ctx context.Context, warmup, reps int, step func() error) (Timing, error) {
	if warmup < 0 || reps < 1 {
		return Timing{}, fmt.Errorf("need warmup ≥ 0 and reps ≥ 1, got %d and %d", warmup, reps)
	}
	for i := range warmup {
		if err := ctx.Err(); err != nil {
			return Timing{}, fmt.Errorf("warm-up %d: %w", i+1, err)
		}
		if err := step(); err != nil {
			return Timing{}, fmt.Errorf("warm-up %d: %w", i+1, err)
		}
	}
	tm := Timing{Times: make([]time.Duration, 0, reps)}
	for i := range reps {
		if err := ctx.Err(); err != nil {
			return tm, fmt.Errorf("repetition %d: %w", i+1, err)
		}
		t0 := time.Now()
		err := step()
		d := time.Since(t0)
		if err != nil {
			return tm, fmt.Errorf("repetition %d: %w", i+1, err)
		}
		tm.Times = append(tm.Times, d)
	}
	return tm, nil
}

// Median is the middle time, or the mean of the two middle ones for an even
// count (as Python's statistics.median, which the peer uses).
func (t Timing) Median() time.Duration {
	if len(t.Times) == 0 {
		return 0
	}
	s := slices.Clone(t.Times)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Min is the fastest repetition.
func (t Timing) Min() time.Duration {
	if len(t.Times) == 0 {
		return 0
	}
	return slices.Min(t.Times)
}
