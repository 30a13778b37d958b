package train

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/internal/progress"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/process"
)

// Options control where a run lives and how it reports.
type Options struct {
	Dir      string        // the run directory
	Resume   bool          // continue from the newest checkpoint in Dir
	Log      io.Writer     // progress and messages (nil: discard)
	Interval time.Duration // plain progress lines at most this often (0: every 10 s)
	// OnSample, if set, is called to write samples-STEP.png; Train passes the
	// trainer with its EMA weights swapped in.
	OnSample func(ctx context.Context, t *Trainer, path string) error
	// OnTrainer and OnStep, if set, see the trainer once it is built and each
	// finished step (tests use them to interrupt or poison a run).
	OnTrainer func(t *Trainer)
	OnStep    func(step int)
}

// ErrInterrupted is returned (wrapped) when ctx is cancelled: a checkpoint was
// written and the run can be resumed.
var ErrInterrupted = errors.New("interrupted")

// Train runs training for c in opt.Dir: a new run, or with opt.Resume the
// continuation of the run already there (c is then ignored except for
// c.Steps, which may raise the total). It writes config.json, checkpoints,
// loss.csv, sample grids, a Yukawa run's prior and finally
// model.safetensors. c itself is not changed; Trainer.Config is the run's
// completed config.
//
// The directory is locked while Train works in it (a second trainer is
// refused); a new run refuses a directory that holds files but no run.
// Stale temporary files of interrupted writes are removed; a newest
// checkpoint that does not read is skipped for the previous one, with a
// warning in the log and in Trainer.Warnings.
func Train(ctx context.Context, c *Config, opt Options) (*Trainer, error) {
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	if opt.Interval == 0 {
		opt.Interval = 10 * time.Second
	}
	dir := opt.Dir
	if dir == "" {
		return nil, errors.New("no run directory given")
	}
	if !opt.Resume {
		if err := checkNewRunDir(dir); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	} else if _, err := os.Stat(filepath.Join(dir, configFile)); err != nil {
		return nil, fmt.Errorf("--resume: %s is not a run directory (no %s)", dir, configFile)
	}
	lock, err := lockRun(dir)
	if err != nil {
		return nil, err
	}
	defer lock.unlock()
	removed, err := removeStaleTemps(dir)
	if err != nil {
		return nil, err
	}
	if len(removed) > 0 {
		fmt.Fprintf(log, "removed %d stale temporary file(s) of interrupted writes: %s\n", len(removed), listSome(removed))
	}
	t, losses, err := openTrainer(ctx, c, opt)
	if err != nil {
		return nil, err
	}
	for _, w := range t.Warnings {
		fmt.Fprintf(log, "warning: %s\n", w)
	}
	if opt.OnTrainer != nil {
		opt.OnTrainer(t)
	}
	fmt.Fprintf(log, "training %s on %s, D=%s, %d parameters, %d steps from step %d\n",
		t.Config.Model, t.Config.Data, process.FormatD(t.Config.D), nn.CountParams(t.Model), t.Config.Steps, t.step)

	rep := progress.New(log, t.step, t.Config.Steps, opt.Interval)
	emaLoss := math.NaN()
	if n := len(losses); n > 0 {
		emaLoss = losses[n-1]
	}
	hook := func(step int, l float64) error {
		losses = append(losses, l)
		if math.IsNaN(emaLoss) {
			emaLoss = l
		}
		emaLoss = 0.98*emaLoss + 0.02*l
		rep.Update(step, progress.F("loss", l), progress.F("ema_loss", emaLoss))
		if opt.OnStep != nil {
			opt.OnStep(step)
		}
		if c := t.Config; c.CheckpointEvery > 0 && step%c.CheckpointEvery == 0 && step < c.Steps {
			if err := t.checkpoint(dir, losses); err != nil {
				return err
			}
		}
		if c := t.Config; c.SampleEvery > 0 && step%c.SampleEvery == 0 && opt.OnSample != nil {
			if err := t.sampleGrid(ctx, dir, opt.OnSample); err != nil {
				return err
			}
		}
		return nil
	}
	err = t.Loop(ctx, hook)
	rep.Done()
	switch {
	case errors.Is(err, errNonFinite):
		last := "none"
		if ck, _ := listCheckpoints(dir); len(ck) > 0 {
			last = checkpointName(ck[len(ck)-1])
		}
		_ = writeLosses(dir, losses) // the failed step's loss is not in losses
		return t, fmt.Errorf("training diverged: %w (the last good checkpoint, %s, is kept)", err, last)
	case err != nil && ctx.Err() != nil:
		if err := t.checkpoint(dir, losses); err != nil {
			return t, err
		}
		return t, fmt.Errorf("%w at step %d: checkpoint %s written; continue with --resume", ErrInterrupted, t.step, checkpointName(t.step))
	case err != nil:
		return t, err
	}
	if err := t.checkpoint(dir, losses); err != nil {
		return t, err
	}
	if err := t.saveModel(dir); err != nil {
		return t, err
	}
	if opt.OnSample != nil {
		if err := t.sampleGrid(ctx, dir, opt.OnSample); err != nil {
			return t, err
		}
	}
	fmt.Fprintf(log, "done: %s written\n", filepath.Join(dir, finalModel))
	return t, nil
}

// openTrainer makes a fresh trainer in a new run directory or resumes the
// one in opt.Dir, returning the losses recorded so far. The caller holds
// the directory's lock.
func openTrainer(ctx context.Context, c *Config, opt Options) (*Trainer, []float64, error) {
	dir := opt.Dir
	if !opt.Resume {
		if _, err := os.Stat(filepath.Join(dir, configFile)); err == nil {
			hint := ""
			if ck, _ := listCheckpoints(dir); len(ck) == 0 {
				hint = " (it stopped before its first checkpoint: --resume starts it again from step 0)"
			}
			return nil, nil, fmt.Errorf("%s already holds a run%s: use --resume to continue it, or another --out", dir, hint)
		}
		if err := checkNewRunDir(dir); err != nil { // again, under the lock
			return nil, nil, err
		}
		if c == nil {
			return nil, nil, errors.New("no config given for a new run")
		}
		t, err := newTrainer(ctx, *c)
		if err != nil {
			return nil, nil, err
		}
		if err := t.saveRunFiles(dir); err != nil {
			return nil, nil, err
		}
		return t, nil, nil
	}

	saved, err := LoadConfig(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("--resume: %w", err)
	}
	if c != nil && c.Steps > saved.Steps {
		saved.Steps = c.Steps
	}
	ds, err := loadData(ctx, saved)
	if err != nil {
		return nil, nil, fmt.Errorf("--resume: %w", err)
	}
	t, err := newTrainerOn(*saved, ds)
	if err != nil {
		return nil, nil, fmt.Errorf("--resume: %w", err)
	}
	ck, err := listCheckpoints(dir)
	if err != nil {
		return nil, nil, err
	}
	if len(ck) == 0 {
		t.Warnings = append(t.Warnings, fmt.Sprintf("%s has no checkpoint yet (the run stopped before its first): starting it from step 0", dir))
	} else if err := t.loadNewestCheckpoint(dir, ck); err != nil {
		return nil, nil, fmt.Errorf("--resume: %w", err)
	}
	if err := t.saveRunFiles(dir); err != nil {
		return nil, nil, err
	}
	losses, err := readLosses(dir, t.step)
	if err != nil {
		return nil, nil, err
	}
	if len(losses) < t.step {
		return nil, nil, fmt.Errorf("--resume: %s holds %d of the %d losses up to the checkpoint at step %d (deleted or truncated?): restore it, or start a new run", lossFile, len(losses), t.step, t.step)
	}
	return t, losses, nil
}

// newTrainer builds the trainer of a new run of c: the data path made
// absolute, the data loaded and c completed from them (resolve).
func newTrainer(ctx context.Context, c Config) (*Trainer, error) {
	var err error
	if c.Data, err = absData(c.Data); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	ds, err := loadData(ctx, &c)
	if err != nil {
		return nil, err
	}
	return newTrainerOn(c, ds)
}

// saveRunFiles writes config.json and, for a Yukawa run, the sampler's
// prior charges (runs of earlier versions get theirs on resume).
func (t *Trainer) saveRunFiles(dir string) error {
	if err := SaveConfig(dir, t.Config); err != nil {
		return err
	}
	if t.prior != nil {
		if _, err := loadPrior(dir, t.Config); err != nil {
			return savePrior(dir, t.prior, t.Config.Dim)
		}
	}
	return nil
}

// loadNewestCheckpoint restores the newest checkpoint of steps ck that
// reads, noting each skipped one in t.Warnings.
func (t *Trainer) loadNewestCheckpoint(dir string, ck []int) error {
	var first error
	for i := len(ck) - 1; i >= 0; i-- {
		err := t.loadCheckpoint(filepath.Join(dir, checkpointName(ck[i])))
		if err == nil {
			if first != nil {
				t.Warnings = append(t.Warnings, fmt.Sprintf("%v; resuming from %s instead", first, checkpointName(ck[i])))
			}
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return fmt.Errorf("no checkpoint reads: %w", first)
}

// checkpoint writes a checkpoint and the loss curve up to the current step.
func (t *Trainer) checkpoint(dir string, losses []float64) error {
	if err := t.saveCheckpoint(dir); err != nil {
		return err
	}
	return writeLosses(dir, losses)
}

// sampleGrid calls draw with the EMA weights in the model.
func (t *Trainer) sampleGrid(ctx context.Context, dir string, draw func(context.Context, *Trainer, string) error) error {
	if err := t.ema.Swap(t.params); err != nil {
		return err
	}
	err := draw(ctx, t, filepath.Join(dir, fmt.Sprintf("samples-%08d.png", t.step)))
	if serr := t.ema.Swap(t.params); serr != nil && err == nil {
		err = serr
	}
	return err
}

const lossFile = "loss.csv"

// writeLosses rewrites dir/loss.csv ("step,loss", one row a step) atomically.
func writeLosses(dir string, losses []float64) error {
	return atomicfile.WriteFunc(filepath.Join(dir, lossFile), func(w io.Writer) error {
		if _, err := io.WriteString(w, "step,loss\n"); err != nil {
			return err
		}
		for i, l := range losses {
			if _, err := fmt.Fprintf(w, "%d,%s\n", i+1, strconv.FormatFloat(l, 'g', -1, 64)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReadLosses reads a run's loss curve (loss.csv): one loss a step.
func ReadLosses(dir string) ([]float64, error) {
	if _, err := os.Stat(filepath.Join(dir, configFile)); err != nil {
		return nil, fmt.Errorf("%s is not a run directory (no %s)", dir, configFile)
	}
	return readLosses(dir, math.MaxInt)
}

// readLosses reads the first upTo losses of dir/loss.csv (rows past a
// checkpoint are dropped: they will be recomputed).
func readLosses(dir string, upTo int) ([]float64, error) {
	f, err := os.Open(filepath.Join(dir, lossFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(out) < upTo {
		parts := strings.Split(sc.Text(), ",")
		if len(parts) != 2 || parts[0] == "step" {
			continue
		}
		l, err := strconv.ParseFloat(parts[1], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", lossFile, err)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}
