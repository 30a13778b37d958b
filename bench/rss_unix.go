//go:build unix

package bench

import (
	"runtime"
	"syscall"
)

// PeakRSSMB is the largest resident set size the process has had so far,
// in MiB (ru_maxrss: KiB on Linux and the BSDs, bytes on Darwin). It is 0
// when the system does not say.
func PeakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	kib := float64(ru.Maxrss)
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		kib /= 1024
	}
	return kib / 1024
}
