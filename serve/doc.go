// Package serve is pfgm's HTTP service: a versioned JSON API that samples
// trained runs and the exact field of toy or posted data sets, Prometheus
// metrics, and an explorable web page embedded in the binary.
//
// The handlers only parse, check limits and call the pipeline package's
// entry points, the same ones the CLI calls; nothing about sampling or
// loading runs is written twice. What a service on a shared machine needs
// lives here instead: a bounded number of sampling jobs at once with a short
// queue (beyond it 429 and Retry-After), request size and value limits,
// cancellation when a client goes away, recovery from handler panics, and a
// graceful drain on shutdown.
//
// API (all JSON unless noted; errors are {"error": "one line"}):
//
//	GET  /healthz                    "ok"
//	GET  /metrics                    Prometheus text format
//	GET  /v1/toys                    built-in toy data sets
//	GET  /v1/runs                    runs under the runs directory, with config and metrics
//	GET  /v1/runs/{name}/loss        a run's loss curve
//	POST /v1/runs/{name}/samples     {n, steps, solver, seed, class, alpha}: points as JSON,
//	                                 images as a PNG grid (Accept: image/png) or NPY
//	                                 (Accept: application/x-npy)
//	POST /v1/exact/samples           {data | points, charges, D, process, m, n, steps, solver,
//	                                 seed, trajectories}: exact-field samples
package serve
