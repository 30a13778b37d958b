package quantize_test

import (
	"fmt"

	"github.com/pfgm/pfgm/quantize"
)

// Two bits give four levels over [min, max]; every value moves by at most
// half a level's spacing.
func ExampleValues() {
	w := []float32{0, 0.1, 0.5, 0.7, 0.95, 1.5}
	lo, hi, _ := quantize.Values(w, 2)
	fmt.Println(w, quantize.Bound(lo, hi, 2))
	// Output: [0 0 0.5 0.5 1 1.5] 0.25
}
