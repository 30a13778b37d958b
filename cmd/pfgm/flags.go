package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/pipeline"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
)

// The flags several commands share are defined here once, each with one
// name, one meaning and one default.

// Shared defaults.
const (
	defaultD       = "128"
	defaultSeed    = 1
	defaultProcess = "poisson"
	defaultM       = 1.0
	defaultSolver  = "heun"
)

// dataSpecHelp describes --data for point data.
const dataSpecHelp = "data: toy:NAME (" + "see pfgm data --help" + ") or a .csv/.npy file of points"

func dataFlag(fs *pflag.FlagSet, p *string, usage string) {
	if usage == "" {
		usage = dataSpecHelp
	}
	fs.StringVar(p, "data", *p, usage)
}

func chargesFlag(fs *pflag.FlagSet, p *int) {
	fs.IntVar(p, "charges", pipeline.DefaultCharges, "points drawn from a toy:NAME set (the charges of an exact field, the training set)")
}

func dFlag(fs *pflag.FlagSet, p *string) {
	fs.StringVar(p, "D", defaultD, "augmented dimensions: an integer ≥ 1, or inf for diffusion")
}

func processFlags(fs *pflag.FlagSet, proc *string, m *float64) {
	fs.StringVar(proc, "process", defaultProcess, "perturbation process: poisson (PFGM++; diffusion at D=inf) or yukawa (screened, with --m)")
	fs.Float64Var(m, "m", defaultM, "yukawa: the screening mass m")
}

func seedFlag(fs *pflag.FlagSet, p *uint64) {
	fs.Uint64Var(p, "seed", defaultSeed, "random seed")
}

func outFlag(fs *pflag.FlagSet, p *string, usage string) {
	fs.StringVar(p, "out", "", usage)
}

func solverFlag(fs *pflag.FlagSet, p *string) {
	fs.StringVar(p, "solver", defaultSolver, "solver: euler, heun or rk45 (the ODE); sde or edm-sde (stochastic, for D=inf runs)")
}

// parseD reads --D.
func parseD(cmd *cobra.Command, s string) (float64, error) {
	D, err := process.ParseD(s)
	if err != nil {
		return 0, usagef(cmd, "--D: %v", err)
	}
	return D, nil
}

// parseSolver reads --solver.
func parseSolver(cmd *cobra.Command, s string) (sampler.Solver, error) {
	v, err := sampler.ParseSolver(s)
	if err != nil {
		return 0, usagef(cmd, "--solver: %v", err)
	}
	return v, nil
}

// changed tells whether the flag was given on the command line.
func changed(cmd *cobra.Command, name string) bool {
	f := cmd.Flags().Lookup(name)
	return f != nil && f.Changed
}

// refuse returns a usage error naming the first given flag of names,
// with why it does not apply.
func refuse(cmd *cobra.Command, why string, names ...string) error {
	for _, n := range names {
		if changed(cmd, n) {
			return usagef(cmd, "--%s %s", n, why)
		}
	}
	return nil
}

// deprecated hides the old spelling old of a flag from the help and,
// when it is used, prints a notice on stderr; the old spelling keeps
// working.
func deprecated(cmd *cobra.Command, old, now string) {
	if changed(cmd, old) {
		fmt.Fprintf(cmd.ErrOrStderr(), "%s: --%s is deprecated, use %s\n", cmd.CommandPath(), old, now)
	}
}

// toyHelp lists the toy sets.
func toyHelp() string { return strings.Join(data.ToyNames(), ", ") }

// printJSON writes v as one JSON line.
func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef(cmd, "unexpected argument %q", args[0])
	}
	return nil
}
