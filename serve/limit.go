package serve

import (
	"context"
	"errors"
	"sync/atomic"
)

// errBusy is returned when every worker is busy and the queue is full: the
// caller should answer 429 rather than let requests pile up.
var errBusy = errors.New("server busy: too many sampling jobs, retry later")

// limiter admits at most workers jobs at once and lets at most queue more
// wait for a slot; anything beyond is refused at once. A bounded queue keeps
// latency and memory bounded under overload: the excess is shed, not stored.
type limiter struct {
	slots   chan struct{}
	queue   int64
	waiting atomic.Int64
	running atomic.Int64
}

func newLimiter(workers, queue int) *limiter {
	return &limiter{slots: make(chan struct{}, workers), queue: int64(queue)}
}

// acquire takes a slot, waiting in the queue if there is room, until ctx
// ends. The returned release must be called once the job is done.
func (l *limiter) acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
		l.running.Add(1)
		return l.release, nil
	default:
	}
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		return nil, errBusy
	}
	defer l.waiting.Add(-1)
	select {
	case l.slots <- struct{}{}:
		l.running.Add(1)
		return l.release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *limiter) release() {
	l.running.Add(-1)
	<-l.slots
}
