package classifier

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/nn"
)

// Geometry of the network's input and layers.
const (
	// Size is the side of the square input image.
	Size = 28
	// Classes is the number of output classes.
	Classes = 10
	// FeatureDim is the width of the feature (penultimate) layer.
	FeatureDim = 128

	c1, c2 = 32, 32
	flat   = c2 * (Size / 4) * (Size / 4)
)

// Net is the classifier. Its parameters are named as a PyTorch state_dict
// of the same module would name them (c1.weight, …, fc2.bias).
type Net struct {
	C1, C2   *nn.Conv2d
	FC1, FC2 *nn.Linear
}

// New returns a network with PyTorch's default initialisation drawn from
// rng.
func New(rng *rand.Rand) *Net {
	return &Net{
		C1:  nn.NewConv2d("c1", 1, c1, 3, rng),
		C2:  nn.NewConv2d("c2", c1, c2, 3, rng),
		FC1: nn.NewLinear("fc1", flat, FeatureDim, rng),
		FC2: nn.NewLinear("fc2", FeatureDim, Classes, rng),
	}
}

// Params lists the parameters in registration order.
func (n *Net) Params() []*nn.Param {
	ps := append(n.C1.Params(), n.C2.Params()...)
	ps = append(ps, n.FC1.Params()...)
	return append(ps, n.FC2.Params()...)
}

// Forward maps a batch x [B, 1, 28, 28] in [−1, 1] to its features
// [B, FeatureDim] and class logits [B, Classes].
func (n *Net) Forward(t *ag.Tape, x *ag.Tensor) (feat, logits *ag.Tensor) {
	h := t.AvgPool2(t.SiLU(n.C1.Forward(t, x)))
	h = t.AvgPool2(t.SiLU(n.C2.Forward(t, h)))
	h = t.Reshape(h, x.Shape[0], flat)
	feat = t.SiLU(n.FC1.Forward(t, h))
	return feat, n.FC2.Forward(t, feat)
}

// Output is what the network says about a set of images.
type Output struct {
	// Features holds n rows of FeatureDim penultimate-layer activations.
	Features []float32
	// Logits holds n rows of Classes class scores.
	Logits []float32
	// Labels is the predicted class of each image (the argmax of its logits).
	Labels []int
}

// Feature returns image i's feature vector.
func (o *Output) Feature(i int) []float32 {
	return o.Features[i*FeatureDim : (i+1)*FeatureDim]
}

// evalBatch is the batch size of inference passes.
const evalBatch = 250

// Run applies the network to every image of im (which must be 1×28×28 in
// [−1, 1]), in batches, checking ctx between batches.
func (n *Net) Run(ctx context.Context, im *data.Images) (*Output, error) {
	if err := checkImages(im); err != nil {
		return nil, err
	}
	out := &Output{
		Features: make([]float32, im.N*FeatureDim),
		Logits:   make([]float32, im.N*Classes),
		Labels:   make([]int, im.N),
	}
	t := ag.NewInferenceTape()
	sz := im.Size()
	for lo := 0; lo < im.N; lo += evalBatch {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("classifier: %w", err)
		}
		hi := min(lo+evalBatch, im.N)
		t.Reset()
		x := t.Const(im.X[lo*sz:hi*sz], hi-lo, 1, Size, Size)
		f, l := n.Forward(t, x)
		copy(out.Features[lo*FeatureDim:], f.Data)
		copy(out.Logits[lo*Classes:], l.Data)
	}
	for i := range out.Labels {
		out.Labels[i] = argmax(out.Logits[i*Classes : (i+1)*Classes])
	}
	return out, nil
}

// Features returns the penultimate-layer features of im, n rows of
// FeatureDim values.
func (n *Net) Features(ctx context.Context, im *data.Images) ([]float32, error) {
	o, err := n.Run(ctx, im)
	if err != nil {
		return nil, err
	}
	return o.Features, nil
}

// Predict returns the predicted class of every image of im.
func (n *Net) Predict(ctx context.Context, im *data.Images) ([]int, error) {
	o, err := n.Run(ctx, im)
	if err != nil {
		return nil, err
	}
	return o.Labels, nil
}

// Accuracy is the share of im's images whose predicted class is their
// label.
func (n *Net) Accuracy(ctx context.Context, im *data.Images) (float64, error) {
	if im.Labels == nil {
		return 0, fmt.Errorf("classifier: accuracy needs labelled images")
	}
	pred, err := n.Predict(ctx, im)
	if err != nil {
		return 0, err
	}
	right := 0
	for i, p := range pred {
		if p == im.Labels[i] {
			right++
		}
	}
	return float64(right) / float64(im.N), nil
}

func checkImages(im *data.Images) error {
	if im == nil {
		return fmt.Errorf("classifier: no images")
	}
	if err := im.Validate(); err != nil {
		return fmt.Errorf("classifier: %w", err)
	}
	if im.C != 1 || im.H != Size || im.W != Size {
		return fmt.Errorf("classifier: images are %d×%d×%d, want 1×%d×%d", im.C, im.H, im.W, Size, Size)
	}
	return nil
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
