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
