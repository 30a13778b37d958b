package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// The toy sets follow the common definitions of the FFJORD and
// flow-matching papers' toy_data.py, with the angles of the curve-shaped
// sets drawn at random rather than on a grid so every point is i.i.d.
var toys = map[string]func(n int, rng *rand.Rand) *Points{
	"gaussian":     toyGaussian,
	"moons":        toyMoons,
	"8gaussians":   toy8Gaussians,
	"checkerboard": toyCheckerboard,
	"swissroll":    toySwissRoll,
	"rings":        toyRings,
	"2spirals":     toy2Spirals,
	"2clusters":    toy2Clusters,
}

// DataStream is the second word of the PCG generator RNG returns: "data"
// in ASCII, a stream of its own, so that a seed's data set and the noise
// other packages draw from the same seed (each with a stream of its own)
// are independent.
const DataStream = 0x64617461

// RNG returns the generator the toolkit draws a seed's data set with, so
// that the CLI and the trainer draw the same toy set for a seed.
func RNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, DataStream)) }

// ToyNames lists the names Toy accepts, sorted.
func ToyNames() []string {
	names := make([]string, 0, len(toys))
	for n := range toys {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// MaxToyPoints bounds the size of a toy set (1.6 GB of 2-D points).
const MaxToyPoints = 100_000_000

// Toy draws n points of the named 2-D toy distribution. Values lie roughly
// in [−4, 4]². The sets are:
//
//	gaussian      standard normal N(0, I)
//	moons         two interleaved half circles (sklearn make_moons, noise 0.1), ×2, shifted by (−1, −0.2)
//	8gaussians    eight Gaussians (std 0.5/√2) on a circle of radius 4/√2
//	checkerboard  uniform on the black squares of a 4×4 board of side 8
//	swissroll     sklearn make_swiss_roll (noise 1) in the x–z plane, ÷5
//	rings         four concentric circles of radius 3, 2.25, 1.5, 0.75, noise 0.08
//	2spirals      two interleaved spirals
//	2clusters     two tight Gaussians (std 0.2): 80 % of the points at (−2, 0), 20 % at (2, 0)
func Toy(name string, n int, rng *rand.Rand) (*Points, error) {
	gen, ok := toys[name]
	if !ok {
		return nil, fmt.Errorf("unknown toy data set %q (known: %s)", name, strings.Join(ToyNames(), ", "))
	}
	if n < 1 || n > MaxToyPoints {
		return nil, fmt.Errorf("toy %s: number of points %d is out of range [1, %d]", name, n, MaxToyPoints)
	}
	return gen(n, rng), nil
}

// TwoGaussians is a mixture of two isotropic 2-D Gaussians of one
// standard deviation.
type TwoGaussians struct {
	Centers [2][2]float64
	Weights [2]float64
	Std     float64
}

// TwoClusters returns the exact law of the 2clusters toy set, for tests
// that need the true mixture. It is a function, not a variable, so no
// caller can change the set for everyone else.
func TwoClusters() TwoGaussians {
	return TwoGaussians{
		Centers: [2][2]float64{{-2, 0}, {2, 0}},
		Weights: [2]float64{0.8, 0.2},
		Std:     0.2,
	}
}

func toyGaussian(n int, rng *rand.Rand) *Points {
	p := NewPoints(n, 2)
	for i := range p.X {
		p.X[i] = rng.NormFloat64()
	}
	return p
}

func toyMoons(n int, rng *rand.Rand) *Points {
	p := NewPoints(n, 2)
	for i := range n {
		// Each point picks its moon at random: exact half-and-half counts
		// would make a sample less random than an iid draw and flatter it
		// in every metric that compares against held-out data.
		t := math.Pi * rng.Float64()
		var x, y float64
		if rng.IntN(2) == 0 {
			x, y = math.Cos(t), math.Sin(t)
		} else {
			x, y = 1-math.Cos(t), 1-math.Sin(t)-0.5
		}
		x += 0.1 * rng.NormFloat64()
		y += 0.1 * rng.NormFloat64()
		p.X[2*i] = 2*x - 1
		p.X[2*i+1] = 2*y - 0.2
	}
	shuffleRows(p, rng)
	return p
}

func toy8Gaussians(n int, rng *rand.Rand) *Points {
	const scale = 4.0
	s := 1 / math.Sqrt2
	centers := [8][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {s, s}, {s, -s}, {-s, s}, {-s, -s}}
	p := NewPoints(n, 2)
	for i := range n {
		c := centers[rng.IntN(8)]
		p.X[2*i] = (scale*c[0] + 0.5*rng.NormFloat64()) / 1.414
		p.X[2*i+1] = (scale*c[1] + 0.5*rng.NormFloat64()) / 1.414
	}
	return p
}

func toyCheckerboard(n int, rng *rand.Rand) *Points {
	p := NewPoints(n, 2)
	for i := range n {
		x1 := 4*rng.Float64() - 2
		x2 := rng.Float64() - 2*float64(rng.IntN(2))
		x2 += math.Mod(math.Floor(x1)+4, 2) // +4 keeps the remainder non-negative
		p.X[2*i] = 2 * x1
		p.X[2*i+1] = 2 * x2
	}
	return p
}

func toySwissRoll(n int, rng *rand.Rand) *Points {
	p := NewPoints(n, 2)
	for i := range n {
		t := 1.5 * math.Pi * (1 + 2*rng.Float64())
		p.X[2*i] = (t*math.Cos(t) + rng.NormFloat64()) / 5
		p.X[2*i+1] = (t*math.Sin(t) + rng.NormFloat64()) / 5
	}
	return p
}

func toyRings(n int, rng *rand.Rand) *Points {
	radii := [4]float64{3, 2.25, 1.5, 0.75}
	p := NewPoints(n, 2)
	for i := range n {
		r := radii[i%4]
		t := 2 * math.Pi * rng.Float64()
		p.X[2*i] = r*math.Cos(t) + 0.08*rng.NormFloat64()
		p.X[2*i+1] = r*math.Sin(t) + 0.08*rng.NormFloat64()
	}
	shuffleRows(p, rng)
	return p
}

func toy2Spirals(n int, rng *rand.Rand) *Points {
	p := NewPoints(n, 2)
	for i := range n {
		t := math.Sqrt(rng.Float64()) * 540 * 2 * math.Pi / 360
		x := -math.Cos(t)*t + 0.5*rng.Float64()
		y := math.Sin(t)*t + 0.5*rng.Float64()
		if rng.IntN(2) == 1 { // iid choice of spiral, as for moons
			x, y = -x, -y
		}
		p.X[2*i] = x/3 + 0.1*rng.NormFloat64()
		p.X[2*i+1] = y/3 + 0.1*rng.NormFloat64()
	}
	return p
}

func toy2Clusters(n int, rng *rand.Rand) *Points {
	tc := TwoClusters()
	// Exact counts, not Bernoulli draws, so small sets still hold 80/20.
	nA := int(math.Round(tc.Weights[0] * float64(n)))
	p := NewPoints(n, 2)
	for i := range n {
		c := tc.Centers[0]
		if i >= nA {
			c = tc.Centers[1]
		}
		p.X[2*i] = c[0] + tc.Std*rng.NormFloat64()
		p.X[2*i+1] = c[1] + tc.Std*rng.NormFloat64()
	}
	shuffleRows(p, rng)
	return p
}

// shuffleRows permutes the points so any prefix is a fair sample.
func shuffleRows(p *Points, rng *rand.Rand) {
	d := p.Dim
	rng.Shuffle(p.N(), func(i, j int) {
		a, b := p.X[i*d:(i+1)*d], p.X[j*d:(j+1)*d]
		for k := range d {
			a[k], b[k] = b[k], a[k]
		}
	})
}
