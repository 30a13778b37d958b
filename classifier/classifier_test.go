package classifier

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pfgm/pfgm/data"
)

// splits loads a data set's splits or skips the test with the reason.
func splits(t *testing.T, name string) (train, test *data.Images) {
	t.Helper()
	train, test, err := LoadSplits(name)
	if err != nil {
		t.Skipf("%s not available: %v", name, err)
	}
	return train, test
}

func head(im *data.Images, n int) *data.Images {
	s := *im
	s.N = n
	s.X = im.X[:n*im.Size()]
	s.Labels = im.Labels[:n]
	return &s
}

func TestPretrainedAccuracy(t *testing.T) {
	for _, c := range []struct {
		name string
		min  float64
	}{{"mnist", 0.99}, {"fashion-mnist", 0.90}} {
		t.Run(c.name, func(t *testing.T) {
			test, err := data.LoadImages(c.name+":test", 0, 0)
			if err != nil {
				t.Skipf("%s not available: %v", c.name, err)
			}
			net, err := Pretrained(c.name)
			if err != nil {
				t.Fatal(err)
			}
			acc, err := net.Accuracy(context.Background(), test)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s test accuracy %.4f", c.name, acc)
			if acc < c.min {
				t.Fatalf("%s test accuracy %.4f, want ≥ %.2f", c.name, acc, c.min)
			}
		})
	}
}

func TestShortTraining(t *testing.T) {
	train, test := splits(t, "mnist")
	o := Options{Data: "mnist", Train: head(train, 3000), Test: head(test, 1000), Epochs: 2, Batch: 64, Seed: 7}
	_, rep, err := Train(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	first := mean(rep.Losses[:10])
	last := mean(rep.Losses[len(rep.Losses)-10:])
	t.Logf("loss %.3f → %.3f, test accuracy %.3f after %d steps", first, last, rep.TestAccuracy, rep.Steps)
	// ln 10 ≈ 2.30 is the loss of a uniform guess; chance accuracy is 0.1.
	if !(last < first/3) || rep.TestAccuracy < 0.8 {
		t.Fatalf("loss %.3f → %.3f (want a fall by 3×), accuracy %.3f (want ≥ 0.8)", first, last, rep.TestAccuracy)
	}
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func TestCrossEntropyGradient(t *testing.T) {
	// The analytic gradient (softmax − onehot)/B against central differences
	// of the loss, and the loss against its definition on a known case.
	rng := rand.New(rand.NewPCG(1, 1))
	const b = 3
	z := make([]float32, b*Classes)
	for i := range z {
		z[i] = float32(3 * rng.NormFloat64())
	}
	labels := []int{0, 4, 9}
	g := make([]float32, len(z))
	crossEntropy(z, labels, g)
	scratch := make([]float32, len(z))
	for i := range z {
		const h = 1e-2
		zp, zm := slices.Clone(z), slices.Clone(z)
		zp[i] += h
		zm[i] -= h
		fd := (crossEntropy(zp, labels, scratch) - crossEntropy(zm, labels, scratch)) / (2 * h)
		if math.Abs(fd-float64(g[i])) > 1e-3 {
			t.Errorf("dL/dz[%d] = %g, finite difference %g", i, g[i], fd)
		}
	}
	// All logits equal: the loss is ln 10 whatever the label.
	if l := crossEntropy(make([]float32, Classes), []int{3}, scratch); math.Abs(l-math.Log(10)) > 1e-12 {
		t.Errorf("uniform logits: loss %g, want ln 10", l)
	}
}

func TestAugmentShift(t *testing.T) {
	src := make([]float32, Size*Size)
	for i := range src {
		src[i] = -1
	}
	src[10*Size+12] = 1
	dst := make([]float32, len(src))
	rng := rand.New(rand.NewPCG(2, 2))
	for range 50 {
		augment(dst, src, 2, false, rng)
		var at []int
		for i, v := range dst {
			if v == 1 {
				at = append(at, i)
			} else if v != -1 {
				t.Fatalf("pixel %d = %g, want ±1", i, v)
			}
		}
		if len(at) != 1 {
			t.Fatalf("the lit pixel appears %d times", len(at))
		}
		r, c := at[0]/Size, at[0]%Size
		if r < 8 || r > 12 || c < 10 || c > 14 {
			t.Fatalf("pixel (10,12) moved to (%d,%d), more than 2 pixels", r, c)
		}
	}
	augment(dst, src, 0, true, rand.New(rand.NewPCG(3, 3)))
	if !(dst[10*Size+12] == 1 || dst[10*Size+Size-1-12] == 1) {
		t.Fatal("flip-only augmentation lost the pixel")
	}
}

func TestSaveLoad(t *testing.T) {
	net := New(rand.New(rand.NewPCG(4, 4)))
	path := filepath.Join(t.TempDir(), "c.safetensors")
	if err := net.Save(path, map[string]string{"seed": "4"}); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range back.Params() {
		if !slices.Equal(p.Data, net.Params()[i].Data) {
			t.Fatalf("%s differs after a round trip", p.Name)
		}
	}
	if _, err := Pretrained("cifar10"); err == nil {
		t.Fatal("Pretrained(cifar10): no error")
	}
	bad := &data.Images{N: 1, C: 1, H: 32, W: 32, X: make([]float32, 32*32)}
	if _, err := net.Run(context.Background(), bad); err == nil {
		t.Fatal("32×32 images: no error")
	}
}

func TestTrainDeterministic(t *testing.T) {
	// Synthetic labelled images (no data set needed): the same options give
	// bit-identical weights, a different seed different ones.
	rng := rand.New(rand.NewPCG(9, 9))
	im := &data.Images{N: 200, C: 1, H: Size, W: Size, X: make([]float32, 200*Size*Size), Labels: make([]int, 200), Classes: Classes}
	for i := range im.X {
		im.X[i] = float32(2*rng.Float64() - 1)
	}
	for i := range im.Labels {
		im.Labels[i] = i % Classes
	}
	run := func(seed uint64) *Net {
		net, _, err := Train(context.Background(), Options{Data: "mnist", Train: im, Epochs: 1, Batch: 50, Seed: seed, Shift: 2, Flip: true})
		if err != nil {
			t.Fatal(err)
		}
		return net
	}
	a, b, c := run(1), run(1), run(2)
	for i, p := range a.Params() {
		if !slices.Equal(p.Data, b.Params()[i].Data) {
			t.Fatalf("%s differs between two runs with seed 1", p.Name)
		}
	}
	if slices.Equal(a.Params()[0].Data, c.Params()[0].Data) {
		t.Fatal("seeds 1 and 2 give the same initial convolution")
	}
	if _, _, err := Train(context.Background(), Options{Data: "mnist", Train: im, Batch: -1}); err == nil {
		t.Fatal("batch −1: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Train(ctx, Options{Data: "mnist", Train: im}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: error %v, want context.Canceled", err)
	}
}
