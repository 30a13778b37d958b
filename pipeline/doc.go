// Package pipeline holds pfgm's jobs as library entry points, one per
// command of the pfgm tool: SampleExact (the exact field of a data set),
// OpenRun with Run.Sample or SampleRun (a trained run), Train, Eval,
// Likelihood, Toy, and the pictures Scatter, Trajectories, Loss and
// FieldLines.
//
// Each job is one function that takes an options struct and returns its
// result in memory:
//
//	res, err := pipeline.SampleExact(ctx, pipeline.SampleExactOptions{Data: "toy:moons", N: 500})
//	...
//	err = pipeline.WriteSamples("samples.png", res)
//
// Writing files is separate (WriteSamples, PlotResult.Write), so that the
// command line and an HTTP server call the same code and only differ in
// what they do with the result.
//
// # Validation and limits
//
// The entry points check their options and answer bad ones with a
// one-line error before doing any work. Each estimates the memory it will
// need from its options (samples × dimension, batch × network width, image
// size, field batch, projections, lines …) and refuses a job above
// MaxMemory (DefaultMaxMemory unless set) with an error that wraps
// ErrTooLarge, before allocating.
//
// # Concurrency
//
// The entry points hold no package-level state and may be called from
// several goroutines at once. A trained run is opened once with OpenRun;
// the returned *Run is read-only after opening and safe for concurrent
// Sample calls, each of which uses its own scratch space and random stream.
// Threads: the jobs use GOMAXPROCS goroutines; set it (runtime.GOMAXPROCS)
// to bound a process's cores.
package pipeline
