package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/nn"
)

// One training step of the preconditioned MLP-toy: forward, weighted MSE,
// backward. The gradients land in the parameters' Grad buffers.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	model := &nn.Precond{Net: nn.NewMLP(nn.MLPConfig{N: 2}, rng), SigmaData: 0.5}
	fmt.Println("parameters:", nn.CountParams(model.Net))

	x := ag.FromData([]float32{0.5, -0.2, 1.1, 0.3}, 2, 2) // noisy points
	y := ag.FromData([]float32{0.4, -0.1, 1.0, 0.2}, 2, 2) // clean points
	sigma := []float32{0.1, 0.2}
	w := ag.FromData([]float32{1, 1}, 2)

	tape := ag.NewTape()
	loss := tape.WeightedMSE(model.Forward(tape, x, sigma), y, w)
	tape.Backward(loss)
	fmt.Println("gradient buffers:", len(model.Params()[0].Grad) == model.Params()[0].Numel())
	// Output:
	// parameters: 141314
	// gradient buffers: true
}
