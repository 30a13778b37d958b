package study

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/metrics"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
)

// Options configures a study.
type Options struct {
	// Data is a .csv/.npy file of points (or toy:NAME); HeldOut a file of
	// points from the same distribution that training never sees. Without
	// HeldOut, a fifth of Data is held out.
	Data, HeldOut string
	// Dir receives results.json, results.md, the charts and (unless Runs is
	// set) runs/. Runs, if set, holds the trained runs and the training
	// split instead, so that studies of one data set share them.
	Dir, Runs string
	// Ds are the D of the trained models; Steps their training budget and
	// Seeds their seeds (every cell is measured for every seed).
	Ds    []float64
	Steps int
	Seeds []uint64
	// Samples is the number of samples a cell draws.
	Samples int
	// PriorQuantile in (0, 1) samples every model from the prior truncated
	// at that quantile of its radius (train.Model.PriorQuantile); 0: off.
	PriorQuantile float64
	// Command is recorded in results.json (how to rerun the study).
	Command string
	Log     io.Writer
}

// DefaultOptions are small budgets that finish in minutes on two cores.
func DefaultOptions() Options {
	return Options{
		Ds:    []float64{1, 16, 128, math.Inf(1)},
		Steps: 2000, Seeds: []uint64{1}, Samples: 1000,
	}
}

// Cell is one measurement of a grid.
type Cell struct {
	Key   string  `json:"key"`   // unique within the study
	Line  string  `json:"line"`  // the chart line it belongs to (e.g. "D=16")
	Chart string  `json:"chart"` // the chart it belongs to
	X     float64 `json:"x"`     // the grid coordinate (α, bits, steps, NFE, fraction, D)
	Seed  uint64  `json:"seed"`
	SW2   float64 `json:"sw2"`             // sliced W2 to held-out points (data units)
	NFE   int     `json:"nfe,omitempty"`   // denoiser evaluations
	Loss  float64 `json:"loss,omitempty"`  // held-out denoising loss (data-efficiency)
	Floor float64 `json:"floor,omitempty"` // sliced W2 of training points to held-out (noise floor)
	// Paired is the limit study's RMS distance between samples of D and of
	// D = ∞ drawn from coupled priors (same directions and radii in the limit).
	Paired float64 `json:"paired,omitempty"`
}

// Results is the content of results.json.
type Results struct {
	Study   string `json:"study"`
	Command string `json:"command,omitempty"`
	Cells   []Cell `json:"cells"`
}

// env is a study's running state: data, held-out points, results so far.
type env struct {
	ctx     context.Context
	o       Options
	name    string
	train   string // path of the training CSV written into Dir
	trainP  *data.Points
	heldout *data.Points
	res     Results
	done    map[string]bool
}

func (o Options) validate() error {
	switch {
	case o.Data == "":
		return errors.New("study: no data (a .csv/.npy file of points or toy:NAME)")
	case o.Dir == "":
		return errors.New("study: no output directory")
	case len(o.Ds) == 0 || o.Steps < 1 || len(o.Seeds) == 0 || o.Samples < 10:
		return fmt.Errorf("study: need candidate D, steps ≥ 1, a seed and ≥ 10 samples (got %d D, %d steps, %d seeds, %d samples)", len(o.Ds), o.Steps, len(o.Seeds), o.Samples)
	}
	for _, D := range o.Ds {
		if !process.ValidD(D) {
			return fmt.Errorf("study: D must be an integer ≥ 1 or inf, got %v", D)
		}
	}
	return nil
}

// open loads the data and any earlier results of the study in o.Dir.
func open(ctx context.Context, name string, o Options) (*env, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if o.Runs == "" {
		o.Runs = filepath.Join(o.Dir, "runs")
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	if err := os.MkdirAll(o.Runs, 0o755); err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	e := &env{ctx: ctx, o: o, name: name, done: map[string]bool{}}
	pts, err := data.Load(o.Data, 20000, data.RNG(1))
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	if o.HeldOut != "" {
		if e.heldout, err = data.ReadPoints(o.HeldOut); err != nil {
			return nil, fmt.Errorf("study: held-out: %w", err)
		}
		if e.heldout.Dim != pts.Dim {
			return nil, fmt.Errorf("study: held-out points have %d numbers, the data %d", e.heldout.Dim, pts.Dim)
		}
		e.trainP = pts
	} else {
		perm := rand.New(rand.NewPCG(1, 2)).Perm(pts.N())
		nh := pts.N() / 5
		e.heldout, e.trainP = pts.Subset(perm[:nh]), pts.Subset(perm[nh:])
	}
	// The training split lives beside the runs (not in Dir, which is meant
	// to be small enough to commit).
	e.train = filepath.Join(o.Runs, "train.csv")
	if _, err := os.Stat(e.train); errors.Is(err, os.ErrNotExist) {
		if err := data.WritePoints(e.train, e.trainP); err != nil {
			return nil, fmt.Errorf("study: %w", err)
		}
	}
	b, err := os.ReadFile(filepath.Join(o.Dir, "results.json"))
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &e.res); err != nil {
			return nil, fmt.Errorf("study: %s: %w", filepath.Join(o.Dir, "results.json"), err)
		}
		if e.res.Study != name {
			return nil, fmt.Errorf("study: %s holds the results of study %q, not %q", o.Dir, e.res.Study, name)
		}
		for _, c := range e.res.Cells {
			e.done[c.Key] = true
		}
	case errors.Is(err, os.ErrNotExist):
	default:
		return nil, fmt.Errorf("study: %w", err)
	}
	e.res.Study, e.res.Command = name, cmp.Or(o.Command, e.res.Command)
	return e, nil
}

func (e *env) logf(format string, a ...any) {
	if e.o.Log != nil {
		fmt.Fprintf(e.o.Log, "study %s: "+format+"\n", append([]any{e.name}, a...)...)
	}
}

// add records a cell and saves results.json at once (resumable).
func (e *env) add(c Cell) error {
	e.res.Cells = append(e.res.Cells, c)
	e.done[c.Key] = true
	e.logf("[%d] %s: sw2 %.4g%s", len(e.res.Cells), c.Key, c.SW2, map[bool]string{true: fmt.Sprintf(", loss %.4g", c.Loss), false: ""}[c.Loss != 0])
	return e.saveJSON()
}

func (e *env) saveJSON() error {
	b, err := json.MarshalIndent(e.res, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(e.o.Dir, "results.json"), append(b, '\n'))
}

// run returns the trained model for (D, seed, data file), training it
// first unless the runs directory already holds it. objective "" is the
// PFGM++ denoising objective.
func (e *env) run(D float64, seed uint64, dataFile, tag, objective string) (*train.Model, error) {
	dir := filepath.Join(e.o.Runs, fmt.Sprintf("%sD%s-%d-s%d", tag, process.FormatD(D), e.o.Steps, seed))
	if _, err := os.Stat(filepath.Join(dir, "model.safetensors")); err != nil {
		_ = os.RemoveAll(dir) // an unfinished run restarts
		c := train.DefaultConfig()
		c.Data, c.D, c.Steps, c.Seed, c.Objective = dataFile, D, e.o.Steps, seed, objective
		c.CheckpointEvery = 0
		c = c.WithDataDefaults()
		e.logf("training D=%s seed %d on %s for %d steps", process.FormatD(D), seed, filepath.Base(dataFile), c.Steps)
		if _, err := train.Train(e.ctx, &c, train.Options{Dir: dir}); err != nil {
			return nil, fmt.Errorf("study: train D=%s: %w", process.FormatD(D), err)
		}
	}
	m, err := train.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	return m, nil
}

// sampleSW2 draws o.Samples samples from m with opt and scores them.
func (e *env) sampleSW2(m *train.Model, opt sampler.Options, seed uint64) (float64, int, error) {
	rng := rand.New(rand.NewPCG(seed, 0x73616d70))
	opt.Rng = rng
	m.PriorQuantile = e.o.PriorQuantile
	x, res, err := m.Sample(e.ctx, e.o.Samples, 500, opt, rng)
	if err != nil {
		return 0, res.NFE, err
	}
	w, err := e.sw2(x)
	return w, res.NFE, err
}

// sw2 is the sliced W2 of points x (data units) to the held-out set, with
// fixed directions so that cells are comparable.
func (e *env) sw2(x []float64) (float64, error) {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.Inf(1), nil
		}
	}
	return metrics.SlicedW2(&data.Points{Dim: e.heldout.Dim, X: x}, e.heldout, 256, rand.New(rand.NewPCG(7, 7)))
}

// floor is the sliced W2 of o.Samples training points to the held-out set.
func (e *env) floor() (float64, error) {
	s := e.trainP.Sample(min(e.o.Samples, e.trainP.N()), rand.New(rand.NewPCG(9, 9)))
	return e.sw2(s.X)
}

// lineName is the label of D's line.
func lineName(D float64) string { return "D=" + process.FormatD(D) }

// finish writes results.md and the charts.
func (e *env) finish(charts []chartSpec) error {
	floor, err := e.floor()
	if err != nil {
		return err
	}
	if err := e.saveJSON(); err != nil {
		return err
	}
	if err := writeMarkdown(e, charts, floor); err != nil {
		return err
	}
	for _, cs := range charts {
		if err := drawChart(e, cs, floor); err != nil {
			return err
		}
	}
	e.logf("done: %s", filepath.Join(e.o.Dir, "results.md"))
	return nil
}

// cellsOf returns the cells of one chart, by line (in the order the lines
// first appear: the order of the grid) then x.
func (e *env) cellsOf(chart string) []Cell {
	var out []Cell
	order := map[string]int{}
	for _, c := range e.res.Cells {
		if c.Chart == chart {
			out = append(out, c)
			if _, ok := order[c.Line]; !ok {
				order[c.Line] = len(order)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Cell) int {
		return cmp.Or(cmp.Compare(order[a.Line], order[b.Line]), cmp.Compare(a.X, b.X), cmp.Compare(a.Seed, b.Seed))
	})
	return out
}
