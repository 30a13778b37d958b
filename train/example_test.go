package train_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
)

// Train a small PFGM++ model (D = 16) on a toy set, then open the run and
// sample it with Heun's method: 18 steps, 35 network evaluations.
func ExampleTrain() {
	dir, _ := os.MkdirTemp("", "pfgm-run")
	defer os.RemoveAll(dir)

	c := train.DefaultConfig()
	c.Data, c.D, c.Steps, c.Batch = "toy:moons", 16, 200, 64
	if _, err := train.Train(context.Background(), &c, train.Options{Dir: dir}); err != nil {
		fmt.Println(err)
		return
	}
	m, err := train.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	x, res, err := m.Sample(context.Background(), 100, 100, sampler.DefaultOptions(), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d samples of %d numbers, NFE %d\n", len(x)/m.Config.Dim, m.Config.Dim, res.NFE)
	// Output: 100 samples of 2 numbers, NFE 35
}
