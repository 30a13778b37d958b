package metrics

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/classifier"
	"github.com/pfgm/pfgm/data"
)

// mnistEval returns an evaluator for MNIST and its train split, or skips.
func mnistEval(t *testing.T) (*ImageEvaluator, *data.Images) {
	t.Helper()
	train, test, err := classifier.LoadSplits("mnist")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	e, err := NewImageEvaluator(context.Background(), ImageEvalOptions{Ref: "mnist", Train: train, Test: test, FloorDraws: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return e, train
}

// draw returns n train images chosen by seed among those whose label keep
// accepts (nil: all).
func draw(im *data.Images, n int, seed uint64, keep func(int) bool) *data.Images {
	rng := rand.New(rand.NewPCG(seed, 99))
	var idx []int
	for _, i := range rng.Perm(im.N) {
		if keep == nil || keep(im.Labels[i]) {
			idx = append(idx, i)
		}
		if len(idx) == n {
			break
		}
	}
	return subset(im, idx)
}

// blur applies a 3×3 box blur twice to each image (edges replicate).
func blur(im *data.Images) *data.Images {
	out := subset(im, seq(im.N))
	tmp := make([]float32, im.H*im.W)
	for range 2 {
		for i := 0; i < out.N; i++ {
			x := out.Image(i)
			for r := 0; r < im.H; r++ {
				for c := 0; c < im.W; c++ {
					var s float32
					for dr := -1; dr <= 1; dr++ {
						for dc := -1; dc <= 1; dc++ {
							rr := min(max(r+dr, 0), im.H-1)
							cc := min(max(c+dc, 0), im.W-1)
							s += x[rr*im.W+cc]
						}
					}
					tmp[r*im.W+c] = s / 9
				}
			}
			copy(x, tmp)
		}
	}
	return out
}

// noisy adds Gaussian noise of standard deviation sd (in [0, 1] pixel
// units) and clips to the valid range.
func noisy(im *data.Images, sd float64, seed uint64) *data.Images {
	out := subset(im, seq(im.N))
	rng := rand.New(rand.NewPCG(seed, 7))
	for i, v := range out.X {
		out.X[i] = float32(math.Min(math.Max(float64(v)+2*sd*rng.NormFloat64(), -1), 1))
	}
	return out
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestEvalImagesMNIST(t *testing.T) {
	e, train := mnistEval(t)
	ctx := context.Background()
	const n = 2000
	real := draw(train, n, 1234, nil)
	rr, err := e.Eval(ctx, real)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("real:    %+v", *rr)
	// Real images are as good as real images: FD within 2× the floor and
	// high precision; the class shares are those of MNIST (≈ 0.1 each).
	if rr.FD > 2*rr.FDFloor || rr.Precision < 0.6 {
		t.Errorf("real images: FD %.3f (floor %.3f, want ≤ 2×), precision %.3f (want ≥ 0.6)", rr.FD, rr.FDFloor, rr.Precision)
	}
	for c, s := range rr.Classes {
		if s < 0.07 || s > 0.14 {
			t.Errorf("real images: class %d share %.3f, want ≈ 0.1", c, s)
		}
	}

	for _, c := range []struct {
		name string
		im   *data.Images
	}{{"blurred", blur(real)}, {"noisy", noisy(real, 0.3, 5)}} {
		r, err := e.Eval(ctx, c.im)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-8s %+v", c.name+":", *r)
		if r.FD <= 2*rr.FD || r.KID <= 2*rr.KID {
			t.Errorf("%s images: FD %.3f and KID %.5f, want both > 2× the real set's (%.3f, %.5f)", c.name, r.FD, r.KID, rr.FD, rr.KID)
		}
	}

	half, err := e.Eval(ctx, draw(train, n, 1234, func(l int) bool { return l < 5 }))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("half:    %+v", *half)
	for c := 5; c < 10; c++ {
		if half.Classes[c] > 0.02 {
			t.Errorf("digits 0–4 only: class %d share %.3f, want ≈ 0", c, half.Classes[c])
		}
	}
	// Coverage halves; precision stays (the images are real).
	if half.Recall > 0.7*rr.Recall || half.Precision < 0.6 {
		t.Errorf("digits 0–4 only: recall %.3f (real set %.3f, want ≤ 0.7×), precision %.3f (want ≥ 0.6)", half.Recall, rr.Recall, half.Precision)
	}
}

func TestEvalImagesFashionMNIST(t *testing.T) {
	train, test, err := classifier.LoadSplits("fashion-mnist")
	if err != nil {
		t.Skipf("Fashion-MNIST not available: %v", err)
	}
	ctx := context.Background()
	e, err := NewImageEvaluator(ctx, ImageEvalOptions{Ref: "fashion-mnist", Train: train, Test: test, FloorDraws: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	real := draw(train, 1000, 4321, nil)
	rr, err := e.Eval(ctx, real)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("real:  %+v", *rr)
	if rr.FD > 2*rr.FDFloor || rr.Precision < 0.6 {
		t.Errorf("real images: FD %.3f (floor %.3f, want ≤ 2×), precision %.3f (want ≥ 0.6)", rr.FD, rr.FDFloor, rr.Precision)
	}
	r, err := e.Eval(ctx, noisy(real, 0.3, 6))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("noisy: %+v", *r)
	if r.FD <= 2*rr.FD {
		t.Errorf("noisy images: FD %.3f, want > 2× the real set's %.3f", r.FD, rr.FD)
	}
}
