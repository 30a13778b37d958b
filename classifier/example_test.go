package classifier_test

import (
	"context"
	"fmt"

	"github.com/pfgm/pfgm/classifier"
	"github.com/pfgm/pfgm/data"
)

// The embedded MNIST classifier maps images to class predictions and to
// the 128 features the image metrics compare.
func Example() {
	net, err := classifier.Pretrained("mnist")
	if err != nil {
		panic(err)
	}
	blank := &data.Images{N: 2, C: 1, H: 28, W: 28, X: make([]float32, 2*28*28)}
	out, err := net.Run(context.Background(), blank)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(out.Labels), len(out.Feature(1)))
	// Output: 2 128
}

// Train reproduces the embedded weights; weights/WEIGHTS.md gives the
// command line that calls it and the accuracy it reaches.
func ExampleTrain() {
	opts := classifier.Defaults("mnist")
	opts.Progress = func(e classifier.Epoch) {
		fmt.Printf("epoch %d: loss %.4f, test accuracy %.4f\n", e.Epoch, e.Loss, e.TestAccuracy)
	}
	net, rep, err := classifier.Train(context.Background(), opts)
	if err != nil {
		panic(err)
	}
	if err := net.Save("mnist.safetensors", map[string]string{"test_accuracy": fmt.Sprint(rep.TestAccuracy)}); err != nil {
		panic(err)
	}
}
