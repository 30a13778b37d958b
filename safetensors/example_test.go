package safetensors_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/safetensors"
)

func Example() {
	dir, err := os.MkdirTemp("", "safetensors-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	weights := map[string]safetensors.Tensor{
		"layer.weight": {Shape: []int{2, 2}, Data: []float32{1, 0, 0, 1}},
		"layer.bias":   {Shape: []int{2}, Data: []float32{0.5, -0.5}},
	}
	if err := safetensors.Write(path, weights, map[string]string{"step": "100"}); err != nil {
		log.Fatal(err)
	}

	loaded, meta, err := safetensors.Read(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(loaded["layer.weight"].Shape, loaded["layer.bias"].Data, meta["step"])
	// Output: [2 2] [0.5 -0.5] 100
}
