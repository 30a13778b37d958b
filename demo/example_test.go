package demo_test

import (
	"context"
	"fmt"
	"os"

	"github.com/pfgm/pfgm/demo"
)

// The demo of the README, in code: three models, one picture, one report.
// (Compiled, not run: it trains for a few minutes.)
func ExampleRun() {
	rep, err := demo.Run(context.Background(), demo.Options{Out: "pfgm-demo", Log: os.Stderr})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rep.Results {
		fmt.Printf("D=%s: sw2 %.2f× the floor\n", r.D, r.Ratio)
	}
}
