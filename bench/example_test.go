package bench_test

import (
	"context"
	"fmt"
	"time"

	"github.com/pfgm/pfgm/bench"
)

// The summary statistics follow Python's statistics.median, as the PyTorch
// peer does.
func ExampleTiming_Median() {
	tm := bench.Timing{Times: []time.Duration{4 * time.Millisecond, time.Millisecond, 3 * time.Millisecond, 2 * time.Millisecond}}
	fmt.Println(tm.Median(), tm.Min())
	// Output: 2.5ms 1ms
}

// Run times one of the peer's workloads; the report marshals to the JSON
// line `pfgm bench` prints.
func ExampleRun() {
	rep, err := bench.Run(context.Background(), bench.Config{Name: "gemm", Size: 64, Steps: 5})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Model, rep.Size, rep.GFLOPS > 0)
	// Output: gemm 64 true
}
