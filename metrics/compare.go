package metrics

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/data"
)

// compareStream is the second PCG word of the random directions and
// halvings of Compare, so that they never share a stream with a data set
// or a sampler drawn from the same seed.
const compareStream = 0x5eed_0f_ae7a1

// Options tunes Compare. The zero value means the defaults.
type Options struct {
	Projections  int    // random directions for SW2; default 256
	Seed         uint64 // seeds the halving, subsampling and directions
	MaxMMDPoints int    // cap on each set's size for the O(n²) MMD; default 2000
	// Splits is how many random halvings of the reference SW2 and its floor
	// are averaged over; default 8. One split leaves the floor itself noisy
	// (±15 % for 2,000 points), too noisy to read a ratio from.
	Splits int
}

// Report is the result of Compare, in the form `pfgm eval` prints.
//
// MMD and MMDFloor are unbiased MMD² estimates (not square-rooted), so
// they can be slightly negative when the sets match.
type Report struct {
	SW2       float64 `json:"sw2"`
	SW2Floor  float64 `json:"sw2_floor"`
	SW2Ratio  float64 `json:"sw2_ratio"` // SW2/SW2Floor; 0 if the floor is 0 (reference of identical points)
	MMD       float64 `json:"mmd"`
	MMDFloor  float64 `json:"mmd_floor"`
	Bandwidth float64 `json:"mmd_bandwidth"`
	NRef      int     `json:"n_ref"`
	NSamples  int     `json:"n_samples"`
	NUsed     int     `json:"n_used"` // m: points per side in each comparison
	NMMD      int     `json:"n_mmd"`  // points per side in the MMD comparisons
	Dim       int     `json:"dim"`
}

// Compare scores samples against ref and reports the noise floor.
//
// The comparison is made fair by using equal sizes throughout: ref is split
// at random into disjoint halves A and B, and m = min(⌊n_ref/2⌋, n_samples)
// points are taken from A, from B and from the samples. The score compares
// A with the samples; the floor compares A with B. Both use the same
// projections and the same kernel bandwidth (median heuristic on A, B and
// the samples pooled), so a model whose samples follow the reference
// distribution scores about 1 × the floor in expectation. MMD uses at most
// MaxMMDPoints of the m points per side.
func Compare(ref, samples *data.Points, opt Options) (Report, error) {
	if err := checkPair(ref, samples); err != nil {
		return Report{}, fmt.Errorf("compare reference with samples: %w", err)
	}
	if ref.N() < 4 {
		return Report{}, fmt.Errorf("compare: need at least 4 reference points to split into halves, have %d", ref.N())
	}
	if samples.N() < 2 {
		return Report{}, errors.New("compare: need at least 2 samples")
	}
	if opt.Projections == 0 {
		opt.Projections = 256
	}
	if opt.Projections < 0 {
		return Report{}, fmt.Errorf("compare: %d projections < 1", opt.Projections)
	}
	if opt.MaxMMDPoints == 0 {
		opt.MaxMMDPoints = 2000
	}
	if opt.MaxMMDPoints < 2 {
		return Report{}, fmt.Errorf("compare: MaxMMDPoints %d < 2", opt.MaxMMDPoints)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, compareStream))

	if opt.Splits == 0 {
		opt.Splits = 8
	}
	if opt.Splits < 1 {
		return Report{}, fmt.Errorf("compare: %d splits < 1", opt.Splits)
	}

	m := min(ref.N()/2, samples.N())
	r := Report{NRef: ref.N(), NSamples: samples.N(), NUsed: m, Dim: ref.Dim}
	var a, b, s *data.Points
	for range opt.Splits {
		// Each split: fresh halves A, B of the reference, m samples, fresh
		// directions. The score averages A and B against the samples.
		perm := rng.Perm(ref.N())
		a, b = ref.Subset(perm[:m]), ref.Subset(perm[m:2*m])
		s = samples.Sample(m, rng)
		dirs := RandomDirections(ref.Dim, opt.Projections, rng)
		w := slicedW2Pairs([]*data.Points{a, b, s}, [][2]int{{0, 2}, {1, 2}, {0, 1}}, dirs)
		r.SW2 += (w[0] + w[1]) / 2 / float64(opt.Splits)
		r.SW2Floor += w[2] / float64(opt.Splits)
	}
	if r.SW2Floor > 0 {
		r.SW2Ratio = r.SW2 / r.SW2Floor
	}

	k := min(m, opt.MaxMMDPoints)
	// Prefixes of random subsets are random subsets.
	am, bm, sm := prefix(a, k), prefix(b, k), prefix(s, k)
	bw, err := MedianBandwidth(rng, am, bm, sm)
	if err != nil {
		return Report{}, fmt.Errorf("compare: %w", err)
	}
	g := 1 / (2 * bw * bw)
	kaa := meanKernelWithin(am, g) // shared by score and floor
	r.MMD = kaa + meanKernelWithin(sm, g) - 2*meanKernelBetween(am, sm, g)
	r.MMDFloor = kaa + meanKernelWithin(bm, g) - 2*meanKernelBetween(am, bm, g)
	r.Bandwidth = bw
	r.NMMD = k
	return r, nil
}

func prefix(p *data.Points, n int) *data.Points {
	return &data.Points{Dim: p.Dim, X: p.X[:n*p.Dim]}
}
