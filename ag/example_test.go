package ag_test

import (
	"fmt"

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
