package plot_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/plot"
)

func ExampleWritePanels() {
	rng := rand.New(rand.NewPCG(1, 2))
	ref, _ := data.Toy("moons", 1000, rng)
	gen, _ := data.Toy("gaussian", 1000, rng)
	panels := []plot.Panel{
		{Title: "data", Equal: true, Layers: []plot.Layer{
			plot.Points{XY: ref.X, Color: plot.WithAlpha(plot.Palette(0), 0.4)},
		}},
		{Title: "samples over data", Equal: true, Layers: []plot.Layer{
			plot.Points{XY: ref.X, Color: plot.WithAlpha(plot.Palette(7), 0.2)},
			plot.Points{XY: gen.X, Color: plot.WithAlpha(plot.Palette(1), 0.4)},
		}},
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	err := plot.WritePanels(filepath.Join(dir, "moons.png"), panels, 2, 320)
	fmt.Println(err)
	// Output: <nil>
}
