//go:build !linux

package bench

import "time"

// threadCPU is unknown here: rates fall back to wall time.
func threadCPU() (time.Duration, bool) { return 0, false }

// processCPU is unknown here.
func processCPU() (time.Duration, bool) { return 0, false }
