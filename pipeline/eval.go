package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/metrics"
)

// EvalOptions choose an evaluation of samples against reference points.
// The points are given in memory (RefPoints, SamplesPoints) or as .csv/.npy
// files (Ref, Samples); memory wins.
type EvalOptions struct {
	Ref, Samples             string
	RefPoints, SamplesPoints *data.Points
	Projections              int    // random directions for sliced W2 (≥ 1)
	MMDPoints                int    // at most this many points a side for the O(n²) MMD (≥ 2)
	Seed                     uint64 // the reference split, subsampling and directions
	MaxMemory                int64  // 0: DefaultMaxMemory
}

// DefaultEvalOptions is `pfgm eval`'s defaults: 256 projections, MMD on at
// most 2000 points a side, seed 1.
func DefaultEvalOptions() EvalOptions {
	return EvalOptions{Projections: 256, MMDPoints: 2000, Seed: 1}
}

// EvalResult is the comparison `pfgm eval` prints as one JSON line: sliced
// W2 and MMD² of the samples against one half of the reference, and the
// same between the two halves (the noise floor).
type EvalResult = metrics.Report

// Eval compares samples with reference points (metrics.Compare).
func Eval(ctx context.Context, opt EvalOptions) (*EvalResult, error) {
	switch {
	case opt.RefPoints == nil && opt.Ref == "":
		return nil, errors.New("no reference points given")
	case opt.SamplesPoints == nil && opt.Samples == "":
		return nil, errors.New("no samples given")
	case opt.Projections < 1:
		return nil, fmt.Errorf("projections %d: need at least 1", opt.Projections)
	case opt.MMDPoints < 2:
		return nil, fmt.Errorf("mmd-points %d: need at least 2", opt.MMDPoints)
	}
	var e estimate
	for _, f := range []struct {
		path string
		p    *data.Points
	}{{opt.Ref, opt.RefPoints}, {opt.Samples, opt.SamplesPoints}} {
		if f.p != nil {
			continue
		}
		vals, _, err := pointsEstimate(f.path, 0)
		if err != nil {
			return nil, err
		}
		e.add("the points", vals, 8, 2)
	}
	e.add(fmt.Sprintf("%d projections", opt.Projections), opt.Projections, 8, 8)
	if err := e.check("evaluation", opt.MaxMemory); err != nil {
		return nil, err
	}
	r, s := opt.RefPoints, opt.SamplesPoints
	var err error
	if r == nil {
		if r, err = data.ReadPointsContext(ctx, opt.Ref); err != nil {
			return nil, fmt.Errorf("reference: %w", err)
		}
	}
	if s == nil {
		if s, err = data.ReadPointsContext(ctx, opt.Samples); err != nil {
			return nil, fmt.Errorf("samples: %w", err)
		}
	}
	if r.Dim != s.Dim {
		return nil, fmt.Errorf("dimension mismatch: the reference has %d-D points, the samples %d-D", r.Dim, s.Dim)
	}
	// The directions: projections × dim values.
	e = estimate{}
	e.add(fmt.Sprintf("%d projections of %d-D points", opt.Projections, r.Dim), opt.Projections, r.Dim+1, 8)
	e.add("the points", len(r.X)+len(s.X), 8, 2)
	if err := e.check("evaluation", opt.MaxMemory); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep, err := metrics.Compare(r, s, metrics.Options{Projections: opt.Projections, Seed: opt.Seed, MaxMMDPoints: opt.MMDPoints})
	if err != nil {
		return nil, err
	}
	return &rep, nil
}
