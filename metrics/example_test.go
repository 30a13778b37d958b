package metrics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/metrics"
)

func ExampleCompare() {
	rng := rand.New(rand.NewPCG(1, 2))
	ref, _ := data.Toy("moons", 2000, rng)
	samples, _ := data.Toy("gaussian", 1000, rng)
	r, err := metrics.Compare(ref, samples, metrics.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.NUsed, r.SW2 > 3*r.SW2Floor)
	// Output: 1000 true
}

// The Fréchet distance of two Gaussians with commuting covariances is
// ‖μ₁ − μ₂‖² + Σ (√aᵢ − √bᵢ)²: here 1 + (2 − 1)² = 2.
func ExampleFrechetDistance() {
	a := metrics.Gaussian{Mean: []float64{0, 0}, Cov: mat.NewSymDense(2, []float64{4, 0, 0, 1})}
	b := metrics.Gaussian{Mean: []float64{1, 0}, Cov: mat.NewSymDense(2, []float64{1, 0, 0, 1})}
	fd, err := metrics.FrechetDistance(a, b)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.6f\n", fd)
	// Output: 2.000000
}

// Scoring generated MNIST digits (an NPY file or a folder of PNGs) with
// the embedded classifier's features; the report marshals to the JSON
// line `pfgm eval --ref mnist --samples x.npy` prints.
func ExampleEvalImages() {
	samples, err := metrics.LoadImageSamples("x.npy")
	if err != nil {
		panic(err)
	}
	rep, err := metrics.EvalImages(context.Background(), metrics.ImageEvalOptions{Ref: "mnist", Samples: samples})
	if err != nil {
		panic(err)
	}
	line, _ := json.Marshal(rep)
	fmt.Println(string(line))
}
