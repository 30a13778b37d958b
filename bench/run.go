package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/pfgm/pfgm/process"
)

// benchStream ("bench") is the second PCG word of a benchmark's data,
// weights and noise.
const benchStream = 0x62656e6368

// Names lists the benchmarks Run knows, in the order the comparison script
// runs them.
func Names() []string { return []string{"gemm", "mlp", "unet", "sample-unet"} }

// Config chooses a benchmark and its size. Zero values take the peer's
// defaults.
type Config struct {
	Name  string  // gemm, mlp, unet or sample-unet
	Batch int     // mlp 1024, unet and sample-unet 64
	Steps int     // timed repetitions: gemm 20, mlp 60, unet and sample-unet 8
	D     float64 // augmented dimensions of the training perturbation (128)
	Size  int     // GEMM size n (1024)
	Seed  uint64  // data, weights and noise (1)
	// Peak is the FMA peak in GFLOP/s of the threads the benchmark runs
	// on, against which its share of peak is reported; 0 measures it
	// (Peak, about a second).
	Peak float64
	// Precision of the training steps' products: "" (float32) or "bf16".
	Precision string
}

// Report is one benchmark's result, with the peer's JSON field names.
type Report struct {
	Impl      string  `json:"impl"`
	Model     string  `json:"model"`
	Params    int     `json:"params,omitempty"`
	Batch     int     `json:"batch,omitempty"`
	Size      int     `json:"size,omitempty"`
	D         string  `json:"D,omitempty"`
	Precision string  `json:"precision,omitempty"`
	Threads   int     `json:"threads"`
	Steps     int     `json:"steps"`
	MedianMS  float64 `json:"median_ms"`
	MinMS     float64 `json:"min_ms"`
	// GFLOPS is the matrix-product rate: for GEMM its 2n³ flops, for the
	// training and sampling steps the flops of their products (the tape's
	// count over the timed steps) over the median step time.
	GFLOPS float64 `json:"gflops,omitempty"`
	// PeakGFLOPS is the FMA peak on Threads cores, and PeakShare the
	// GFLOPS's share of it.
	PeakGFLOPS float64 `json:"peak_gflops,omitempty"`
	PeakShare  float64 `json:"peak_share,omitempty"`
	// CPUMS is the median CPU time of a step, every thread of the process
	// (Linux). GFLOPSCPU = flops·Threads/CPU time is the rate the threads
	// reach while they run, and PeakShareCPU its share of the peak: on a
	// machine shared with other jobs these are the figures that hold
	// (wall times then count the others' load), though they hide threads
	// idling for want of work.
	CPUMS        float64 `json:"cpu_ms,omitempty"`
	GFLOPSCPU    float64 `json:"gflops_cpu,omitempty"`
	PeakShareCPU float64 `json:"peak_share_cpu,omitempty"`
	PeakRSSMB    float64 `json:"peak_rss_mb"`
	Go           string  `json:"go"`
}

// samplingSigma is the noise level of the peer's sample-unet.
const samplingSigma = 10

// Run builds the benchmark c names, warms it up (3 calls for gemm, 2
// otherwise, as the peer), times c.Steps calls and reports on them. It uses
// runtime.GOMAXPROCS(0) threads.
func Run(ctx context.Context, c Config) (Report, error) {
	c, warmup, err := c.withDefaults()
	if err != nil {
		return Report{}, err
	}
	rng := rand.New(rand.NewPCG(c.Seed, benchStream))
	var w *Workload
	rep := Report{Impl: "pfgm-go", Model: c.Name, Steps: c.Steps, Go: runtime.Version()}
	switch c.Name {
	case "gemm":
		w, err = NewGEMM(c.Size, rng)
		rep.Size = c.Size
	case "mlp", "unet":
		w, err = newTrain(c.Name, c.Batch, c.D, c.Precision, rng)
		rep.D, rep.Precision = process.FormatD(c.D), c.Precision
	case "sample-unet":
		w, err = NewSampleUNet(c.Batch, samplingSigma, rng)
	}
	if err != nil {
		return Report{}, err
	}
	rep.Params, rep.Batch = w.Params, w.Batch
	rep.Threads = runtime.GOMAXPROCS(0)
	var before int64
	var cpu []float64 // CPU seconds of each timed step
	calls := 0
	counted := func() error {
		if calls++; w.ModelFlops != nil && calls == warmup+1 {
			before = w.ModelFlops() // the first timed step starts here
		}
		c0, ok0 := processCPU()
		err := w.Step()
		if c1, ok1 := processCPU(); ok0 && ok1 && calls > warmup {
			cpu = append(cpu, (c1 - c0).Seconds())
		}
		return err
	}
	tm, err := Time(ctx, warmup, c.Steps, counted)
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", c.Name, err)
	}
	flops := w.Flops
	if w.ModelFlops != nil {
		flops = float64(w.ModelFlops()-before) / float64(c.Steps)
	}
	med := tm.Median().Seconds()
	rep.MedianMS = round(med*1e3, 3)
	rep.MinMS = round(tm.Min().Seconds()*1e3, 3)
	if flops > 0 && med > 0 {
		rep.GFLOPS = round(flops/med/1e9, 1)
	}
	rep.PeakGFLOPS = c.Peak
	if rep.PeakGFLOPS == 0 {
		p, err := Peak(ctx, rep.Threads)
		if err != nil {
			return Report{}, fmt.Errorf("%s: peak: %w", c.Name, err)
		}
		rep.PeakGFLOPS = p.FMA
	}
	rep.PeakShare = Share(rep.GFLOPS, rep.PeakGFLOPS)
	if len(cpu) == c.Steps {
		slices.Sort(cpu)
		mc := cpu[len(cpu)/2]
		if len(cpu)%2 == 0 {
			mc = (cpu[len(cpu)/2-1] + mc) / 2
		}
		rep.CPUMS = round(mc*1e3, 3)
		if flops > 0 && mc > 0 {
			rep.GFLOPSCPU = round(flops*float64(rep.Threads)/mc/1e9, 1)
			rep.PeakShareCPU = Share(rep.GFLOPSCPU, rep.PeakGFLOPS)
		}
	}
	rep.PeakRSSMB = round(PeakRSSMB(), 1)
	return rep, nil
}

// withDefaults fills in the peer's defaults and checks c; it also returns
// the number of warm-up calls.
func (c Config) withDefaults() (Config, int, error) {
	var batch, steps, warmup int
	switch c.Name {
	case "gemm":
		steps, warmup = 20, 3
	case "mlp":
		batch, steps, warmup = 1024, 60, 2
	case "unet", "sample-unet":
		batch, steps, warmup = 64, 8, 2
	default:
		return c, 0, fmt.Errorf("unknown benchmark %q (want one of %v)", c.Name, Names())
	}
	if c.Batch < 0 || c.Steps < 0 || c.Size < 0 || c.Peak < 0 {
		return c, 0, fmt.Errorf("batch, steps and size must be ≥ 1 (0: default), got %d, %d, %d", c.Batch, c.Steps, c.Size)
	}
	if c.Batch == 0 {
		c.Batch = batch
	}
	if c.Steps == 0 {
		c.Steps = steps
	}
	if c.Size == 0 {
		c.Size = 1024
	}
	if c.D == 0 {
		c.D = 128
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Name == "gemm" {
		c.Batch = 0
	}
	return c, warmup, nil
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
