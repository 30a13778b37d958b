package data_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/data"
)

func ExampleToy() {
	rng := rand.New(rand.NewPCG(1, 2))
	p, err := data.Toy("moons", 500, rng)
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "moons.csv")
	if err := data.WritePoints(path, p); err != nil {
		panic(err)
	}
	q, _ := data.ReadPoints(path)
	fmt.Println(q.N(), q.Dim)
	// Output: 500 2
}

func ExampleStandardizer() {
	p := &data.Points{Dim: 1, X: []float64{10, 20, 30}}
	s := data.FitStandardizer(p)
	s.Apply(p)  // the model works in standard units…
	s.Invert(p) // …and samples come back in data units
	fmt.Println(s.Mean, p.X)
	// Output: [20] [10 20 30]
}

func ExampleParseSpec() {
	for _, spec := range []string{"toy:moons", "fashion-mnist:t10k", "runs/points.csv", "toy:mons"} {
		s, err := data.ParseSpec(spec)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("%-20s %-12v images %-5v canonical %q\n", spec, s.Kind, s.Images(), s.String())
	}
	// Output:
	// toy:moons            toy          images false canonical "toy:moons"
	// fashion-mnist:t10k   IDX images   images true  canonical "fashion-mnist:test"
	// runs/points.csv      points file  images false canonical "runs/points.csv"
	// error: unknown toy data set "mons" (known: 2clusters, 2spirals, 8gaussians, checkerboard, gaussian, moons, rings, swissroll)
}
