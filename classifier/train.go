package classifier

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/optim"
)

// Options configures Train. Zero fields take the defaults of Defaults.
type Options struct {
	// Data names the training set: "mnist" or "fashion-mnist" (its train
	// split is used for training, its test split for the reported accuracy).
	Data string
	// Train and Test, when set, replace the sets Data names (tests train on
	// small subsets this way). Test may be nil: no accuracy is measured.
	Train, Test *data.Images
	// Epochs is the number of passes over the training set.
	Epochs int
	// Batch is the minibatch size.
	Batch int
	// LR is Adam's peak learning rate; it decays to 0 along a half cosine.
	LR float64
	// Seed fixes the initial weights, the batch order and the augmentation.
	Seed uint64
	// Shift is the largest random translation in pixels applied to each
	// training image (0: none); uncovered pixels are background (−1).
	Shift int
	// Flip mirrors each training image left-right with probability ½.
	Flip bool
	// Progress, when non-nil, is called after every epoch.
	Progress func(Epoch)
}

// Epoch summarises one pass over the training set.
type Epoch struct {
	Epoch int
	// Loss is the mean training cross-entropy over the epoch's batches.
	Loss float64
	// TestAccuracy is the accuracy on the test set after the epoch (NaN
	// without a test set).
	TestAccuracy float64
}

// Report is the outcome of Train.
type Report struct {
	Options Options
	Steps   int
	// Losses is the training cross-entropy of every step.
	Losses []float64
	Epochs []Epoch
	// TestAccuracy is the final accuracy on the test set (NaN without one).
	TestAccuracy float64
}

// Defaults returns the options that made the embedded weights of data set
// name (see weights/WEIGHTS.md): Adam with peak learning rate 2·10⁻³,
// batches of 128, random shifts of up to 2 pixels, seed 1; 8 epochs on
// MNIST, and 15 epochs with left-right flips on Fashion-MNIST.
func Defaults(name string) Options {
	o := Options{Data: name, Epochs: 8, Batch: 128, LR: 2e-3, Seed: 1, Shift: 2}
	if name == "fashion-mnist" {
		o.Epochs, o.Flip = 15, true
	}
	return o
}

func (o *Options) fill() error {
	d := Defaults(o.Data)
	if o.Epochs == 0 {
		o.Epochs = d.Epochs
	}
	if o.Batch == 0 {
		o.Batch = d.Batch
	}
	if o.LR == 0 {
		o.LR = d.LR
	}
	switch {
	case o.Epochs < 0:
		return fmt.Errorf("classifier: %d epochs", o.Epochs)
	case o.Batch < 1:
		return fmt.Errorf("classifier: batch size %d", o.Batch)
	case !(o.LR > 0) || math.IsInf(o.LR, 0):
		return fmt.Errorf("classifier: learning rate %v", o.LR)
	case o.Shift < 0 || o.Shift >= Size:
		return fmt.Errorf("classifier: shift %d pixels, want 0 ≤ shift < %d", o.Shift, Size)
	}
	return nil
}

// LoadSplits returns the train and test splits of "mnist" or
// "fashion-mnist".
func LoadSplits(name string) (train, test *data.Images, err error) {
	switch name {
	case "mnist", "fashion-mnist":
	default:
		return nil, nil, fmt.Errorf("classifier: unknown data set %q (want mnist or fashion-mnist)", name)
	}
	if train, err = data.LoadImages(name+":train", 0, 0); err != nil {
		return nil, nil, fmt.Errorf("classifier: %w", err)
	}
	if test, err = data.LoadImages(name+":test", 0, 0); err != nil {
		return nil, nil, fmt.Errorf("classifier: %w", err)
	}
	return train, test, nil
}

// Train trains a network from scratch with softmax cross-entropy and Adam.
// The run is determined by the options (the seed included), so the same
// options give the same weights on the same machine.
func Train(ctx context.Context, opts Options) (*Net, *Report, error) {
	if err := opts.fill(); err != nil {
		return nil, nil, err
	}
	if opts.Train == nil {
		tr, te, err := LoadSplits(opts.Data)
		if err != nil {
			return nil, nil, err
		}
		opts.Train, opts.Test = tr, te
	}
	if err := checkImages(opts.Train); err != nil {
		return nil, nil, fmt.Errorf("training set: %w", err)
	}
	if opts.Train.Labels == nil || opts.Train.Classes > Classes {
		return nil, nil, fmt.Errorf("classifier: training set needs labels of at most %d classes", Classes)
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x636c6173))
	net := New(rng)
	ps := net.Params()
	params := make([]optim.Param, len(ps))
	for i, p := range ps {
		p.SetRequiresGrad()
		params[i] = optim.Param{Name: p.Name, Data: p.Data, Grad: p.Grad, Shape: p.Shape}
	}
	adam := optim.NewAdam(params, optim.DefaultAdamConfig())

	tr := opts.Train
	b := min(opts.Batch, tr.N)
	perEpoch := tr.N / b
	total := perEpoch * opts.Epochs
	rep := &Report{Options: opts, TestAccuracy: math.NaN()}
	tape := ag.NewTape()
	x := make([]float32, b*tr.Size())
	labels := make([]int, b)
	dz := make([]float32, b*Classes)
	for ep := 0; ep < opts.Epochs; ep++ {
		perm := rng.Perm(tr.N)
		var sum float64
		for s := 0; s < perEpoch; s++ {
			if err := ctx.Err(); err != nil {
				return nil, nil, fmt.Errorf("classifier: training stopped at step %d: %w", rep.Steps, err)
			}
			for i, j := range perm[s*b : (s+1)*b] {
				augment(x[i*tr.Size():(i+1)*tr.Size()], tr.Image(j), opts.Shift, opts.Flip, rng)
				labels[i] = tr.Labels[j]
			}
			tape.Reset()
			adam.ZeroGrad()
			_, logits := net.Forward(tape, tape.Const(x, b, 1, Size, Size))
			loss := crossEntropy(logits.Data, labels, dz)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, nil, fmt.Errorf("classifier: loss %v at step %d", loss, rep.Steps+1)
			}
			// Σ z ⊙ dz has gradient dz with respect to the logits z: the
			// cross-entropy's gradient, computed above, enters the tape.
			tape.Backward(tape.Dot(logits, tape.Const(dz, b, Classes)))
			adam.Step(opts.LR * 0.5 * (1 + math.Cos(math.Pi*float64(rep.Steps)/float64(total))))
			rep.Steps++
			rep.Losses = append(rep.Losses, loss)
			sum += loss
		}
		e := Epoch{Epoch: ep + 1, Loss: sum / float64(perEpoch), TestAccuracy: math.NaN()}
		if opts.Test != nil {
			acc, err := net.Accuracy(ctx, opts.Test)
			if err != nil {
				return nil, nil, fmt.Errorf("test set: %w", err)
			}
			e.TestAccuracy, rep.TestAccuracy = acc, acc
		}
		rep.Epochs = append(rep.Epochs, e)
		if opts.Progress != nil {
			opts.Progress(e)
		}
	}
	return net, rep, nil
}

// augment writes src translated by a random (dy, dx) ∈ [−shift, shift]²
// (and mirrored left-right with probability ½ if flip) into dst; pixels
// that come from outside the image are background, −1.
func augment(dst, src []float32, shift int, flip bool, rng *rand.Rand) {
	if shift == 0 && !flip {
		copy(dst, src)
		return
	}
	dy, dx := 0, 0
	if shift > 0 {
		dy, dx = rng.IntN(2*shift+1)-shift, rng.IntN(2*shift+1)-shift
	}
	mirror := flip && rng.IntN(2) == 1
	for i := 0; i < Size; i++ {
		for j := 0; j < Size; j++ {
			si, sj := i-dy, j-dx
			if mirror {
				sj = Size - 1 - sj
			}
			v := float32(-1)
			if si >= 0 && si < Size && sj >= 0 && sj < Size {
				v = src[si*Size+sj]
			}
			dst[i*Size+j] = v
		}
	}
}
