package data

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Load returns the points a spec names. "toy:NAME" draws n points of a toy
// set with rng. Anything else is a file path (.csv or .npy) and the whole
// file is read: n and rng are ignored, because silently dropping rows of a
// user's file would be a surprise; use [Points.Sample] to subsample.
func Load(spec string, n int, rng *rand.Rand) (*Points, error) {
	if name, ok := strings.CutPrefix(spec, "toy:"); ok {
		return Toy(name, n, rng)
	}
	if spec == "" {
		return nil, fmt.Errorf("empty data spec (want toy:NAME or a .csv/.npy file)")
	}
	return ReadPoints(spec)
}
