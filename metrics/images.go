package metrics

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/pfgm/pfgm/classifier"
	"github.com/pfgm/pfgm/data"
)

// ImageEvalOptions configures EvalImages.
type ImageEvalOptions struct {
	// Ref names the reference data set: "mnist" or "fashion-mnist". Its
	// test split is the reference; its train split supplies the floor.
	Ref string
	// Samples are the generated images, 1×28×28 in [−1, 1] (data.Images'
	// scale; LoadImageSamples reads NPY files and PNG folders). EvalImages
	// scores them; NewImageEvaluator ignores them.
	Samples *data.Images
	// FloorDraws is the number of draws of real images the floors average
	// over; 0 picks DefaultFloorDraws(n) for n samples.
	FloorDraws int
	// Seed fixes which real images the floor draws.
	Seed uint64
	// K is the neighbour count of precision and recall (default 3).
	K int
	// Net, Train and Test replace the embedded classifier and the
	// reference's splits (tests use them); nil loads the defaults.
	Net         *classifier.Net
	Train, Test *data.Images
}

// ImageReport is the outcome of EvalImages; it marshals to one JSON object.
//
// Every statistic compares a set of images with the reference's test
// split, in the classifier's feature space. The *_floor fields are the
// same statistics for real images — n_samples images of the train split
// drawn without replacement, averaged over floor_draws draws — so that a
// score reads as a multiple of what real data of the same size gets.
type ImageReport struct {
	Ref      string `json:"ref"`
	NSamples int    `json:"n_samples"`
	// FD is the Fréchet distance of the samples' feature Gaussian to the
	// test split's.
	FD      float64 `json:"fd"`
	FDFloor float64 `json:"fd_floor"`
	// KID is the unbiased MMD² with the cubic kernel against the test split.
	KID      float64 `json:"kid"`
	KIDFloor float64 `json:"kid_floor"`
	// Precision and Recall are the improved precision/recall (k = 3) against
	// the test split.
	Precision      float64 `json:"precision"`
	Recall         float64 `json:"recall"`
	PrecisionFloor float64 `json:"precision_floor"`
	RecallFloor    float64 `json:"recall_floor"`
	// Classes is the share of samples the classifier assigns to each class.
	Classes    []float64 `json:"classes"`
	FloorDraws int       `json:"floor_draws"`
	// FloorN is the size of each floor draw: n_samples, or the whole train
	// split if that is smaller.
	FloorN int `json:"floor_n"`
}

// DefaultFloorDraws is the number of draws of real images the floors
// average over for n samples: 5000/n, at least 5 and at most 20, so that
// small sets, whose statistics scatter most, get more draws.
func DefaultFloorDraws(n int) int {
	return min(20, max(5, 5000/max(n, 1)))
}

// setScores are the statistics of one image set against the reference.
type setScores struct{ fd, kid, precision, recall float64 }

// reference holds what every comparison with the test split reuses.
type reference struct {
	gauss      Gaussian
	feat       *mat.Dense
	kernelMean float64   // 1/(m(m−1)) Σ_{i≠j} k(rᵢ, rⱼ)
	radii      []float64 // squared k-NN radii within the reference
	k          int
}

// EvalImages measures generated images against a reference data set with
// the classifier trained on it: Fréchet distance, KID, precision/recall,
// each with its floor from real images, and the predicted class shares.
// To score several sample sets against one reference, make an
// ImageEvaluator once instead.
func EvalImages(ctx context.Context, opt ImageEvalOptions) (*ImageReport, error) {
	e, err := NewImageEvaluator(ctx, opt)
	if err != nil {
		return nil, err
	}
	return e.Eval(ctx, opt.Samples)
}

// ImageEvaluator holds a reference's classifier, train split and
// test-split statistics, so that several sample sets can be scored
// without recomputing them.
//
// An ImageEvaluator is not safe for concurrent use: it caches the floor of
// each sample count it has seen.
type ImageEvaluator struct {
	opt    ImageEvalOptions
	net    *classifier.Net
	train  *data.Images
	ref    *reference
	floors map[[2]int]setScores
}

// NewImageEvaluator loads the classifier and the reference of opt (whose
// Samples field it ignores) and summarises the test split.
func NewImageEvaluator(ctx context.Context, opt ImageEvalOptions) (*ImageEvaluator, error) {
	if opt.K == 0 {
		opt.K = 3
	}
	if opt.FloorDraws < 0 || opt.K < 1 {
		return nil, fmt.Errorf("metrics: %d floor draws and k = %d, want draws ≥ 0 (0: automatic) and k ≥ 1", opt.FloorDraws, opt.K)
	}
	e := &ImageEvaluator{opt: opt, net: opt.Net, train: opt.Train, floors: make(map[[2]int]setScores)}
	if e.net == nil {
		var err error
		if e.net, err = classifier.Pretrained(opt.Ref); err != nil {
			return nil, err
		}
	}
	test := opt.Test
	if e.train == nil || test == nil {
		var err error
		if e.train, test, err = classifier.LoadSplits(opt.Ref); err != nil {
			return nil, err
		}
	}
	var err error
	if e.ref, err = newReference(ctx, e.net, test, opt.K); err != nil {
		return nil, err
	}
	return e, nil
}

// Eval scores samples (1×28×28 in [−1, 1]) against the reference.
func (e *ImageEvaluator) Eval(ctx context.Context, samples *data.Images) (*ImageReport, error) {
	opt := e.opt
	if samples == nil || samples.N < opt.K+1 {
		return nil, fmt.Errorf("metrics: image evaluation needs at least %d samples", opt.K+1)
	}
	out, err := e.net.Run(ctx, samples)
	if err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	draws := opt.FloorDraws
	if draws == 0 {
		draws = DefaultFloorDraws(samples.N)
	}
	rep := &ImageReport{Ref: opt.Ref, NSamples: samples.N, FloorDraws: draws, Classes: make([]float64, classifier.Classes)}
	// Count, then divide once: a sum of 1/n's prints as 0.07400000000000005.
	for _, c := range out.Labels {
		rep.Classes[c]++
	}
	for c := range rep.Classes {
		rep.Classes[c] /= float64(samples.N)
	}
	s, err := e.ref.score(featureMatrix(out.Features, samples.N))
	if err != nil {
		return nil, err
	}
	rep.FD, rep.KID, rep.Precision, rep.Recall = s.fd, s.kid, s.precision, s.recall

	rep.FloorN = min(samples.N, e.train.N)
	f, err := e.floor(ctx, rep.FloorN, draws)
	if err != nil {
		return nil, err
	}
	rep.FDFloor, rep.KIDFloor, rep.PrecisionFloor, rep.RecallFloor = f.fd, f.kid, f.precision, f.recall
	return rep, nil
}

// floor returns the statistics of n real train images, averaged over
// draws draws; the draws depend only on the seed, n and their number.
func (e *ImageEvaluator) floor(ctx context.Context, n, draws int) (setScores, error) {
	key := [2]int{n, draws}
	if f, ok := e.floors[key]; ok {
		return f, nil
	}
	var avg setScores
	rng := rand.New(rand.NewPCG(e.opt.Seed, 0x666c6f6f72))
	w := 1 / float64(draws)
	for range draws {
		real := subset(e.train, rng.Perm(e.train.N)[:n])
		f, err := e.net.Features(ctx, real)
		if err != nil {
			return avg, fmt.Errorf("floor: %w", err)
		}
		s, err := e.ref.score(featureMatrix(f, real.N))
		if err != nil {
			return avg, fmt.Errorf("floor: %w", err)
		}
		avg.fd += w * s.fd
		avg.kid += w * s.kid
		avg.precision += w * s.precision
		avg.recall += w * s.recall
	}
	e.floors[key] = avg
	return avg, nil
}

func newReference(ctx context.Context, net *classifier.Net, test *data.Images, k int) (*reference, error) {
	f, err := net.Features(ctx, test)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	x := featureMatrix(f, test.N)
	if test.N < k+1 {
		return nil, fmt.Errorf("metrics: reference of %d images, need at least %d", test.N, k+1)
	}
	g, err := FitGaussian(x)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	return &reference{gauss: g, feat: x, kernelMean: kernelMeanWithin(x), radii: knnRadii(x, k), k: k}, nil
}

// score compares one feature set with the reference.
func (r *reference) score(x *mat.Dense) (setScores, error) {
	var s setScores
	if err := checkFeatures(r.feat, x, r.k+1); err != nil {
		return s, err
	}
	g, err := FitGaussian(x)
	if err != nil {
		return s, err
	}
	if s.fd, err = FrechetDistance(g, r.gauss); err != nil {
		return s, err
	}
	s.kid = kernelMeanWithin(x) + r.kernelMean - 2*kernelMeanBetween(x, r.feat)
	s.precision = coverage(x, r.feat, r.radii)
	s.recall = coverage(r.feat, x, knnRadii(x, r.k))
	return s, nil
}

// featureMatrix views n rows of float32 features as a float64 matrix.
func featureMatrix(f []float32, n int) *mat.Dense {
	d := len(f) / n
	x := make([]float64, len(f))
	for i, v := range f {
		x[i] = float64(v)
	}
	return mat.NewDense(n, d, x)
}

// subset returns the images idx of im (copied, labels kept).
func subset(im *data.Images, idx []int) *data.Images {
	s := &data.Images{N: len(idx), C: im.C, H: im.H, W: im.W, Classes: im.Classes, X: make([]float32, 0, len(idx)*im.Size())}
	for _, i := range idx {
		s.X = append(s.X, im.Image(i)...)
		if im.Labels != nil {
			s.Labels = append(s.Labels, im.Labels[i])
		}
	}
	return s
}
