// Command pfgm trains, samples, measures and draws physics-inspired
// generative models: PFGM, PFGM++ (any D), diffusion (D = ∞) and Yukawa.
//
// The command is thin: each subcommand parses its flags and calls the
// packages that do the work.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"strings"
	"syscall"
)

// command is one `pfgm NAME` subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"data":       {"write a built-in toy data set to a file", runData},
		"sample":     {"generate samples with the exact field or a trained run", runSample},
		"eval":       {"compare samples with reference data (sliced W2, MMD)", runEval},
		"plot":       {"draw samples over data, or trajectories for several D", runPlot},
		"field":      {"draw the field lines of a data set in the (x, r) plane", runField},
		"train":      {"train a model (MLP or U-Net) on a data set", runTrain},
		"demo":       {"train, sample and compare three values of D on a toy set", runDemo},
		"bench":      {"benchmarks: gemm, mlp, unet, sample-unet", runBench},
		"likelihood": {"negative log-likelihood (nats, bits/dim) of data under a trained run", runLikelihood},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: pfgm <command> [flags]   (pfgm <command> --help for its flags)")
	fmt.Fprintln(w, "\ncommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code so tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(stderr, "pfgm: unknown command %q\n", name)
		usage(stderr)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cmd.run(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "pfgm %s: %s\n", name, oneLine(err.Error()))
		return 1
	}
}

// errUsage marks a flag-parsing failure whose message the flag package has
// already printed.
var errUsage = errors.New("usage")

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("pfgm "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: pfgm %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and turns the flag package's errors into ours.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	return nil
}

// givenFlags is the set of flags on the command line, for defaults that
// depend on whether the user chose a value.
func givenFlags(fs *flag.FlagSet) map[string]bool {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// setThreads sets how many cores the engine may use (0: all of them).
func setThreads(n int) error {
	if n < 0 {
		return fmt.Errorf("--threads must be ≥ 0 (0: all cores), got %d", n)
	}
	if n > 0 {
		runtime.GOMAXPROCS(n)
	}
	return nil
}

// printJSON writes v as one JSON line.
func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
