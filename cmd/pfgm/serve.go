package main

import (
	"fmt"
	"log/slog"
	"net"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/serve"
)

func newServeCmd(g *globals) *cobra.Command {
	o := serve.DefaultOptions()
	addr := "127.0.0.1:8080"
	cmd := &cobra.Command{
		Use:   "serve [--runs DIR] [--addr HOST:PORT] [flags]",
		Short: "serve runs and exact-field sampling over HTTP, with a web page",
		Long: `Serve every run directory under --runs (and the built-in toy sets, for
exact-field sampling) over a versioned JSON API, with Prometheus metrics at
/metrics and an explorable page at /. At most --workers sampling jobs run at
once and --queue more wait; beyond that requests get 429 with Retry-After.
SIGTERM or SIGINT stop accepting, let in-flight requests finish (up to
--drain) and exit 0.

  GET  /healthz, /metrics, /v1/toys, /v1/runs, /v1/runs/{name}/loss
  POST /v1/runs/{name}/samples   {n, steps, solver, seed, class, alpha}
  POST /v1/exact/samples         {data | points, charges, D, process, m, n, steps,
                                  solver, seed, alpha, trajectories}`,
		Example: `  pfgm serve --runs runs --addr 127.0.0.1:8080
  curl -s localhost:8080/v1/exact/samples -d '{"data": "toy:moons", "D": 4, "n": 5}'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.MaxMemory = g.limit
			o.Log = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			s, err := serve.New(o)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("--addr: %w", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "serving on http://%s (runs: %q)\n", ln.Addr(), o.RunsDir)
			return s.Serve(cmd.Context(), ln)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.RunsDir, "runs", "", "directory whose run directories (those with config.json, up to 3 levels down) are served")
	fs.StringVar(&addr, "addr", addr, "address to listen on")
	limitFlags(cmd, &o)
	fs.DurationVar(&o.DrainPeriod, "drain", o.DrainPeriod, "on SIGTERM, how long in-flight requests may still run")
	return cmd
}

// limitFlags are the server's limits, shared by serve and bench serve.
func limitFlags(cmd *cobra.Command, o *serve.Options) {
	fs := cmd.Flags()
	fs.IntVar(&o.MaxN, "max-n", o.MaxN, "most samples one request may ask for")
	fs.IntVar(&o.MaxSteps, "max-steps", o.MaxSteps, "most sampler steps one request may ask for")
	fs.IntVar(&o.MaxCharges, "max-charges", o.MaxCharges, "most charges (toy points or posted points) of an exact-field request")
	fs.Int64Var(&o.MaxBody, "max-body", o.MaxBody, "largest request body in bytes")
	fs.IntVar(&o.Workers, "workers", o.Workers, "sampling jobs at once")
	fs.IntVar(&o.Queue, "queue", o.Queue, "sampling jobs that may wait for a worker (beyond: 429)")
	fs.DurationVar(&o.JobTimeout, "job-timeout", o.JobTimeout, "longest a sampling job may run")
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		switch {
		case o.MaxN < 1 || o.MaxSteps < 1 || o.MaxCharges < 1 || o.MaxBody < 1:
			return usagef(cmd, "--max-n, --max-steps, --max-charges and --max-body must be ≥ 1")
		case o.Workers < 1:
			return usagef(cmd, "--workers must be ≥ 1, got %d", o.Workers)
		case o.Queue < 0:
			return usagef(cmd, "--queue must be ≥ 0, got %d", o.Queue)
		case o.JobTimeout <= 0:
			return usagef(cmd, "--job-timeout must be positive")
		}
		return nil
	}
}

// newBenchServeCmd is `pfgm bench serve`: the server under load.
func newBenchServeCmd(g *globals) *cobra.Command {
	o := serve.DefaultLoadOptions()
	o.Server = serve.DefaultOptions()
	var levels []float64
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "drive an in-process server on 127.0.0.1 at 1×, 2× and 4× its capacity",
		Long: `Start the server on an ephemeral loopback port, measure one request's
service time alone and its capacity (the throughput of a closed loop that
keeps every worker busy), then offer arrivals
at each --levels multiple of capacity for --period (open loop, at most
--requests a level). Prints one JSON line: throughput, p50/p99 latency of
accepted requests, the share shed with 429, health-check latency and the
peak heap for each level.`,
		Example: `  pfgm bench serve --levels 1,2,4 --period 10s`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Period <= 0 || o.MaxRequests < 1 {
				return usagef(cmd, "--period must be positive and --requests ≥ 1")
			}
			for _, l := range levels {
				if !(l > 0) {
					return usagef(cmd, "--levels: multiples of capacity must be positive, got %v", l)
				}
			}
			o.Levels = levels
			o.Server.MaxMemory = g.limit
			rep, err := serve.Load(cmd.Context(), o)
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), rep)
		},
	}
	fs := cmd.Flags()
	fs.Float64SliceVar(&levels, "levels", o.Levels, "offered load, as multiples of the measured capacity")
	fs.DurationVar(&o.Period, "period", o.Period, "how long each level offers load")
	fs.IntVar(&o.MaxRequests, "requests", o.MaxRequests, "most requests one level sends")
	fs.StringVar(&o.Request, "request", o.Request, "JSON body of the POST /v1/exact/samples request")
	limitFlags(cmd, &o.Server)
	return cmd
}
