package train

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/pfgm/pfgm/nn"
)

// writeBlobPNGs writes n 28×28 grey PNGs of random bright blobs into dir.
func writeBlobPNGs(t *testing.T, dir string, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(21, 22))
	for i := range n {
		img := image.NewGray(image.Rect(0, 0, 28, 28))
		cx, cy, rad := 6+r.Float64()*16, 6+r.Float64()*16, 3+r.Float64()*5
		for y := range 28 {
			for x := range 28 {
				dx, dy := float64(x)-cx, float64(y)-cy
				v := 0.0
				if dx*dx+dy*dy < rad*rad {
					v = 200
				}
				img.SetGray(x, y, color.Gray{Y: uint8(v + 40*r.Float64())})
			}
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d.png", i)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// withThreads runs f with GOMAXPROCS (what `pfgm train --threads` sets and
// the default worker count of the trainer's tape) at n.
func withThreads(n int, f func()) {
	old := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(old)
	f()
}

// A U-Net run trained for k steps on one thread, checkpointed and resumed on
// two must continue bit for bit: the same loss curve, weights, optimiser
// state and EMA as uninterrupted runs on two threads and on one.
func TestResumeOnAnotherThreadCount(t *testing.T) {
	const k = 3
	data := t.TempDir()
	writeBlobPNGs(t, data, 24)
	config := func() *Config {
		c := DefaultConfig()
		c.Data, c.Model, c.D, c.Steps, c.Batch = data, "unet", 128, 2*k, 12
		c.ImageC, c.ImageH = 1, 28
		c.UNet = &nn.UNetConfig{Channels: []int{8, 16, 16}, ResBlocks: 1, AttnAtLowest: true, Emb: 32}
		c.CheckpointEvery, c.Warmup, c.EMA = 0, 2, 0.9
		return &c
	}
	ctx := context.Background()
	train := func(threads int, dir string) {
		withThreads(threads, func() {
			if _, err := Train(ctx, config(), Options{Dir: dir}); err != nil {
				t.Fatalf("%d threads: %v", threads, err)
			}
		})
	}
	one, two, resumed := t.TempDir(), t.TempDir(), t.TempDir()
	train(1, one)
	train(2, two)

	withThreads(1, func() {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		_, err := Train(cctx, config(), Options{Dir: resumed, OnStep: func(step int) {
			if step == k {
				cancel()
			}
		}})
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("interrupted run: got %v, want ErrInterrupted", err)
		}
	})
	withThreads(2, func() {
		if _, err := Train(ctx, nil, Options{Dir: resumed, Resume: true}); err != nil {
			t.Fatalf("resuming on 2 threads: %v", err)
		}
	})

	ref, err := readLosses(two, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) != 2*k {
		t.Fatalf("the 2-thread run logged %d losses, want %d", len(ref), 2*k)
	}
	for _, run := range []struct{ name, dir string }{{"1 thread", one}, {"1 thread resumed on 2", resumed}} {
		got, err := readLosses(run.dir, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ref) {
			t.Fatalf("%s: %d losses, want %d", run.name, len(got), len(ref))
		}
		for i := range ref {
			if got[i] != ref[i] {
				t.Errorf("%s: step %d loss %v, 2 threads give %v", run.name, i+1, got[i], ref[i])
			}
		}
		// The final checkpoint holds weights, Adam moments, EMA and RNG state;
		// model.safetensors the EMA weights.
		for _, f := range []string{checkpointName(2 * k), finalModel} {
			a, errA := os.ReadFile(filepath.Join(two, f))
			b, errB := os.ReadFile(filepath.Join(run.dir, f))
			if errA != nil || errB != nil {
				t.Fatalf("%s: reading %s: %v, %v", run.name, f, errA, errB)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s: %s differs from the 2-thread run's", run.name, f)
			}
		}
	}
}
