//go:build !unix

package bench

// PeakRSSMB is 0 where getrusage is not available.
func PeakRSSMB() float64 { return 0 }
