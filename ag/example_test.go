package ag_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
)

// Fit y = w·x by one gradient step: record the forward pass on a tape,
// run Backward, read the gradient, and Reset the tape for the next step.
func Example() {
	w := ag.FromData([]float32{0.5, -1}, 1, 2).SetRequiresGrad() // Linear weight [out=1, in=2]
	x := ag.FromData([]float32{1, 2, 3, 4}, 2, 2)                // batch of 2 inputs
	y := ag.FromData([]float32{1, 2}, 2, 1)                      // targets
	ones := ag.FromData([]float32{1, 1}, 2)                      // per-sample loss weights

	tape := ag.NewTape()
	for step := 0; step < 2; step++ {
		tape.Reset()
		w.ZeroGrad()
		loss := tape.WeightedMSE(tape.Linear(x, w, nil), y, ones)
		tape.Backward(loss)
		fmt.Printf("step %d: loss %.4f, dL/dw %v\n", step, loss.Data[0], w.Grad)
		for i, g := range w.Grad {
			w.Data[i] -= 0.05 * g
		}
	}
	// By hand: predictions −1.5, −2.5 against 1, 2 give (2.5² + 4.5²)/2 and
	// dL/dw = −2.5·(1, 2) − 4.5·(3, 4).
	// Output:
	// step 0: loss 13.2500, dL/dw [-16 -23]
	// step 1: loss 3.3050, dL/dw [8.1 11.2]
}

// A tape's worker count is its thread setting; the results do not depend
// on it, bit for bit.
func ExampleTape_SetWorkers() {
	r := rand.New(rand.NewPCG(1, 2))
	x, w := ag.NewTensor(8, 4, 14, 14), ag.NewTensor(8, 4, 3, 3)
	for _, t := range []*ag.Tensor{x, w} {
		for i := range t.Data {
			t.Data[i] = float32(r.NormFloat64())
		}
	}
	w.SetRequiresGrad()
	grads := map[int][]float32{}
	for _, workers := range []int{1, 3} {
		tape := ag.NewTape()
		tape.SetWorkers(workers)
		w.ZeroGrad()
		y := tape.Conv2d(x, w, nil, 1)
		tape.Backward(tape.Dot(y, y))
		grads[workers] = append([]float32(nil), w.Grad...)
	}
	same := true
	for i := range grads[1] {
		same = same && grads[1][i] == grads[3][i]
	}
	fmt.Println("dW on 1 and 3 workers equal:", same)
	// Output: dW on 1 and 3 workers equal: true
}
