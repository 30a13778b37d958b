// Command pfgm trains, samples, measures and draws physics-inspired
// generative models: PFGM, PFGM++ (any D), diffusion (D = ∞) and Yukawa.
//
// The command is thin: each subcommand parses its flags, calls one entry
// point of package pipeline and prints the result. Flags follow the GNU
// convention (--flag value, --flag=value); `pfgm help CMD` and
// `pfgm CMD --help` print a command's flags on stdout, and
// `pfgm completion bash|zsh|fish` writes a shell completion script.
//
// Exit codes: 0 success, 1 a runtime error (one line "pfgm CMD: message"),
// 2 a usage error (one line and "see 'pfgm CMD --help'"), 130 after
// SIGINT and 143 after SIGTERM (train writes its checkpoint first).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/pipeline"
	"github.com/pfgm/pfgm/train"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code, and SIGINT
// or SIGTERM cancel the command's context.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case s := <-sigs:
			// A second signal kills the process the usual way.
			signal.Stop(sigs)
			cancel(signalled{s.(syscall.Signal)})
		case <-done:
			signal.Stop(sigs)
		}
	}()
	return runContext(ctx, args, stdout, stderr)
}

// signalled is the cause of a context cancelled by a signal.
type signalled struct{ sig syscall.Signal }

func (s signalled) Error() string { return "interrupted by " + s.sig.String() }

// exitCode is the conventional code of a job stopped by ctx: 128 + the
// signal's number (130 for SIGINT, 143 for SIGTERM).
func exitCode(ctx context.Context) int {
	var s signalled
	if errors.As(context.Cause(ctx), &s) {
		return 128 + int(s.sig)
	}
	return 128 + int(syscall.SIGINT)
}

// usageError is a mistake on the command line: printed with a pointer to
// the command's help, exit code 2.
type usageError struct {
	cmd string // "pfgm sample"
	err error
}

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// usagef makes a usage error of cmd.
func usagef(cmd *cobra.Command, format string, a ...any) error {
	return usageError{cmd.CommandPath(), fmt.Errorf(format, a...)}
}

// runContext runs pfgm with args under ctx and returns the exit code.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	name := "pfgm"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	var u usageError
	switch {
	case errors.As(err, &u):
		fmt.Fprintf(stderr, "%s: %s\nsee '%s --help'\n", u.cmd, oneLine(u.Error()), u.cmd)
		return 2
	case ctx.Err() != nil && (errors.Is(err, ctx.Err()) || errors.Is(err, train.ErrInterrupted)):
		msg := "interrupted"
		if errors.Is(err, train.ErrInterrupted) {
			msg = oneLine(err.Error())
		}
		fmt.Fprintf(stderr, "%s: %s\n", name, msg)
		return exitCode(ctx)
	case isCobraUsage(err):
		fmt.Fprintf(stderr, "%s: %s\nsee '%s --help'\n", name, oneLine(err.Error()), name)
		return 2
	}
	fmt.Fprintf(stderr, "%s: %s\n", name, message(name, err))
	return 1
}

// message is err on one line without a leading repeat of a word of the
// command's path (a package named like the command prefixes its errors
// with it: "train: …" under pfgm train, "classifier: …" under pfgm
// classifier train).
func message(cmdPath string, err error) string {
	s := oneLine(err.Error())
	for _, name := range strings.Fields(cmdPath)[1:] {
		s = strings.TrimPrefix(s, name+": ")
	}
	return s
}

// isCobraUsage recognises the errors cobra makes itself for an unknown
// command or wrong arguments (flag errors come through
// SetFlagErrorFunc as usageError).
func isCobraUsage(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "unknown flag") ||
		strings.Contains(s, "arg(s)") || strings.HasPrefix(s, "invalid argument")
}

// newRoot builds the command tree writing to stdout and stderr.
func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "pfgm",
		Short: "physics-inspired generative models: PFGM, PFGM++ (any D), diffusion (D = ∞), Yukawa",
		Long: `pfgm trains, samples, measures and draws physics-inspired generative models:
PFGM, PFGM++ with any number D of augmented dimensions, diffusion (D = inf)
and the screened-Poisson (Yukawa) process.`,
		Version:           version(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: g.apply,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("pfgm {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{c.CommandPath(), err}
	})
	g.register(root)
	root.AddCommand(
		newDataCmd(g), newSampleCmd(g), newEvalCmd(g), newPlotCmd(g),
		newFieldCmd(g), newTrainCmd(g), newDemoCmd(g), newBenchCmd(g), newLikelihoodCmd(g),
		newServeCmd(g), newTuneDCmd(g), newStudyCmd(g), newClassifierCmd(g),
	)
	root.CompletionOptions.HiddenDefaultCmd = false
	return root
}

// globals are the flags every command takes.
type globals struct {
	threads   int
	maxMemory string
	limit     int64 // maxMemory parsed
}

func (g *globals) register(root *cobra.Command) {
	fs := root.PersistentFlags()
	fs.IntVar(&g.threads, "threads", 0, "worker threads (0: all cores)")
	fs.StringVar(&g.maxMemory, "max-memory", "4G", "refuse jobs whose memory estimate is above this (e.g. 512M, 16G)")
}

// apply checks the global flags and sets the thread count: GOMAXPROCS,
// which the engine's tapes, the field and the GEMM size their workers by.
func (g *globals) apply(cmd *cobra.Command, _ []string) error {
	if g.threads < 0 {
		return usagef(cmd, "--threads %d: want ≥ 0 (0: all cores)", g.threads)
	}
	if g.threads > 0 {
		runtime.GOMAXPROCS(g.threads)
	}
	lim, err := pipeline.ParseBytes(g.maxMemory)
	if err != nil {
		return usagef(cmd, "--max-memory: %v", err)
	}
	g.limit = lim
	return nil
}

// version is the module version and the VCS commit the binary was built
// from, as Go records them.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		v += fmt.Sprintf(" (commit %.12s%s)", rev, modified)
	}
	return v + " " + bi.GoVersion
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
