//go:build linux

package bench

import (
	"syscall"
	"time"
	"unsafe"
)

// Clock ids of clock_gettime (linux/time.h).
const (
	clockProcessCPU = 2 // CLOCK_PROCESS_CPUTIME_ID
	clockThreadCPU  = 3 // CLOCK_THREAD_CPUTIME_ID
)

// threadCPU is the CPU time the calling OS thread has used (the caller
// locks its goroutine to the thread), and true; on a shared machine it
// counts only the time this thread ran, so a rate over it is what the core
// does when it is ours.
func threadCPU() (time.Duration, bool) { return clockCPU(clockThreadCPU) }

// processCPU is the CPU time of the whole process, every thread.
func processCPU() (time.Duration, bool) { return clockCPU(clockProcessCPU) }

func clockCPU(id uintptr) (time.Duration, bool) {
	var ts syscall.Timespec
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, id, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
