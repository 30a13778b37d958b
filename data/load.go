package data

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// Load returns the points a spec names (see [ParseSpec]). "toy:NAME"
// draws n points of a toy set with rng. A .csv or .npy file is read whole:
// n and rng are ignored, because silently dropping rows of a user's file
// would be a surprise; use [Points.Sample] to subsample. Image sets are
// refused: they are loaded by [LoadImages].
func Load(spec string, n int, rng *rand.Rand) (*Points, error) {
	return LoadContext(context.Background(), spec, n, rng)
}

// LoadContext is Load that a cancelled ctx stops while it reads a file.
func LoadContext(ctx context.Context, spec string, n int, rng *rand.Rand) (*Points, error) {
	s, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	switch s.Kind {
	case ToySpec:
		return Toy(s.Name, n, rng)
	case PointsFileSpec:
		return ReadPointsContext(ctx, s.Path)
	}
	return nil, fmt.Errorf("%s is an image set, not points", spec)
}
