package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// PeakReport is what this machine can do at best: the single-precision FMA
// rate of a register-only loop, on one core and on every thread, and the
// memory bandwidth of large copies. Shares of peak in other reports are
// taken against it.
type PeakReport struct {
	Impl    string `json:"impl"`
	Model   string `json:"model"` // "peak"
	CPU     string `json:"cpu"`
	ISA     string `json:"isa"` // the widest FMA the loop used: avx512, avx2 or go
	Threads int    `json:"threads"`
	// FMA1 and FMA are GFLOP/s (an FMA counts 2) on one core and on
	// Threads cores, each the best of Reps runs: a peak is a maximum, and
	// on a shared machine a median would count other people's load.
	FMA1 float64 `json:"fma_gflops_1"`
	FMA  float64 `json:"fma_gflops"`
	// MemGBs is copy bandwidth in GB/s over Threads cores, reads and
	// writes both counted (best of Reps).
	MemGBs float64 `json:"mem_gbs"`
	// BF16_1 is GFLOP/s of a register-only VDPBF16PS loop on one core (a
	// bfloat16 pair product and its sum count 4), where the CPU has
	// AVX512_BF16; compare it with FMA1 to see whether bfloat16 pays.
	BF16_1 float64 `json:"bf16_gflops_1,omitempty"`
	Reps   int     `json:"reps"`
	Go     string  `json:"go"`
}

// peakReps is how many times each peak is measured; the best run counts.
const peakReps = 7

// Peak measures the FMA peak on 1 and threads cores (threads ≤ 0: all of
// GOMAXPROCS) and the copy bandwidth on threads cores. It takes about a
// second.
func Peak(ctx context.Context, threads int) (PeakReport, error) {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	isa, loop, flopsPerIter := fmaKernel()
	rep := PeakReport{Impl: "pfgm-go", Model: "peak", CPU: cpuModel(), ISA: isa, Threads: threads, Reps: peakReps, Go: runtime.Version()}
	// Calibrate the loop to about 40 ms on one core, so a run is long
	// against timer resolution and short against the shell's patience.
	iters := 1 << 16
	for {
		start := time.Now()
		loop(iters)
		if d := time.Since(start); d > 10*time.Millisecond || iters > 1<<30 {
			iters = int(float64(iters) * float64(40*time.Millisecond) / float64(max(d, time.Microsecond)))
			break
		}
		iters *= 4
	}
	var err error
	if rep.FMA1, err = bestRate(ctx, 1, func() { loop(iters) }, float64(iters)*flopsPerIter); err != nil {
		return rep, err
	}
	if rep.FMA, err = bestRate(ctx, threads, func() { loop(iters) }, float64(iters)*flopsPerIter); err != nil {
		return rep, err
	}
	if bl, bflops := bf16Kernel(); bl != nil {
		if rep.BF16_1, err = bestRate(ctx, 1, func() { bl(iters) }, float64(iters)*bflops); err != nil {
			return rep, err
		}
		rep.BF16_1 = round(rep.BF16_1, 1)
	}
	// 64 MiB a thread is far beyond any cache of this class of machine.
	const words = 16 << 20
	src, dst := make([][]float32, threads), make([][]float32, threads)
	for t := range src {
		src[t], dst[t] = make([]float32, words), make([]float32, words)
		for i := range src[t] {
			src[t][i] = float32(i)
		}
	}
	var next int
	var mu sync.Mutex
	copyOne := func() {
		mu.Lock()
		t := next % threads
		next++
		mu.Unlock()
		copy(dst[t], src[t])
	}
	gbs, err := bestRate(ctx, threads, copyOne, 2*4*words)
	rep.MemGBs = round(gbs, 1)
	rep.FMA1, rep.FMA = round(rep.FMA1, 1), round(rep.FMA, 1)
	return rep, err
}

// bestRate runs work on n goroutines locked to threads at once, peakReps
// times, and returns the best total rate in units (of each call) per
// nanosecond: GFLOP/s for flops, GB/s for bytes. Where the OS tells a
// thread's CPU time (Linux), each goroutine's rate is over its own CPU
// time and the total is their sum: on a machine shared with other jobs
// that is what the cores do while they run our threads (a sibling
// hyperthread's contention for the same ports still shows, as it slows
// the thread while it runs). Elsewhere the rate is over wall time.
func bestRate(ctx context.Context, n int, work func(), units float64) (float64, error) {
	rates := make([]float64, 0, peakReps)
	for range peakReps {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var cpuRate float64
		cpuOK := true
		start := time.Now()
		for range n {
			wg.Go(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				c0, ok0 := threadCPU()
				work()
				c1, ok1 := threadCPU()
				mu.Lock()
				defer mu.Unlock()
				if d := c1 - c0; ok0 && ok1 && d > 0 {
					cpuRate += units / float64(d.Nanoseconds())
				} else {
					cpuOK = false
				}
			})
		}
		wg.Wait()
		if cpuOK {
			rates = append(rates, cpuRate)
		} else {
			rates = append(rates, float64(n)*units/float64(time.Since(start).Nanoseconds()))
		}
	}
	return slices.Max(rates), nil
}

// Share is a rate's share of a peak, or 0 when either is unknown.
func Share(rate, peak float64) float64 {
	if rate <= 0 || peak <= 0 {
		return 0
	}
	return round(rate/peak, 3)
}

// cpuModel is the processor's marketing name where the OS tells it.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// goFMALoop is the portable loop: eight independent chains of float32
// multiply-adds, which the compiler keeps in registers. It is far below a
// vector unit's peak and says so through ISA "go".
func goFMALoop(n int) float32 {
	var a0, a1, a2, a3, a4, a5, a6, a7 float32
	x, y := float32(0.999), float32(1e-7)
	for range n {
		a0 = a0*x + y
		a1 = a1*x + y
		a2 = a2*x + y
		a3 = a3*x + y
		a4 = a4*x + y
		a5 = a5*x + y
		a6 = a6*x + y
		a7 = a7*x + y
	}
	return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7
}

func (r PeakReport) String() string {
	s := fmt.Sprintf("%s (%s): FMA %.1f GFLOP/s on 1 core, %.1f on %d; copy %.1f GB/s", r.CPU, r.ISA, r.FMA1, r.FMA, r.Threads, r.MemGBs)
	if r.BF16_1 > 0 {
		s += fmt.Sprintf("; bf16 dot %.1f GFLOP/s on 1 core", r.BF16_1)
	}
	return s
}
