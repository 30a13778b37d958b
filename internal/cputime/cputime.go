//go:build unix

// Package cputime reports a benchmark's process CPU time (user + system)
// per iteration as cpu-ms/op next to ns/op: on a shared machine the wall
// time depends on the other load, the CPU time much less.
package cputime

import (
	"syscall"
	"testing"
	"time"
)

// Timer is started before a benchmark loop and reported after it.
type Timer struct{ start time.Duration }

// Now is the CPU time the process has used so far (0 if unknown).
func Now() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Start begins timing.
func Start() Timer { return Timer{Now()} }

// Report adds the CPU time per iteration to b's results.
func (c Timer) Report(b *testing.B) {
	b.ReportMetric(float64(Now()-c.start)/float64(b.N)/1e6, "cpu-ms/op")
}
