package torch

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/safetensors"
	"github.com/pfgm/pfgm/train"
)

// python is Debian's interpreter, the one python3-torch installs into.
const python = "/usr/bin/python3"

// needTorch skips the test unless python can import torch.
func needTorch(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import torch").Run(); err != nil {
		t.Skipf("skipping: %s cannot import torch (apt-get install python3-torch)", python)
	}
}

// runPy runs python with PYTHONPATH at the twin and one CPU thread per
// process, failing the test with its output on error.
func runPy(t *testing.T, args ...string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+wd, "OMP_NUM_THREADS=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", python, args, err, out.String())
	}
	return out.String()
}

// torchrun starts the twin's trainer on n Gloo processes. Debian's torch
// 1.13 launcher fails on Python 3.11 with its default --redirects 0 --tee 0
// (Std.from_str("0") is None there), hence the explicit 2 (stderr), whose
// log files go to a temporary directory. The rendezvous is the static one
// on a free port: --standalone always takes port 29400, which another job
// on the machine may hold.
func torchrun(t *testing.T, n int, args ...string) string {
	t.Helper()
	return runPy(t, append([]string{"-m", "torch.distributed.run", "--nnodes=1", "--nproc_per_node=" + strconv.Itoa(n),
		"--master_addr=127.0.0.1", "--master_port=" + strconv.Itoa(freePort(t)), "--monitor_interval=0.5",
		"--redirects", "2", "--tee", "2", "--log_dir", t.TempDir(),
		"-m", "pfgm_torch.train", "--device", "cpu"}, args...)...)
}

// twin runs the twin's trainer on one process, without a launcher.
func twin(t *testing.T, args ...string) string {
	t.Helper()
	return runPy(t, append([]string{"-m", "pfgm_torch.train", "--device", "cpu"}, args...)...)
}

// mustJSON is c as pfgm saves it.
func mustJSON(t *testing.T, c *train.Config) string {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// moonsConfig is a small pfgm run on toy:moons.
func moonsConfig(steps int) train.Config {
	c := train.DefaultConfig()
	c.Data, c.Model, c.D = "toy:moons", "mlp", 128
	c.Steps, c.Batch, c.LR, c.Warmup, c.EMA = steps, 64, 1e-3, 20, 0.99
	c.CheckpointEvery, c.KeepCheckpoints, c.Seed, c.ToyCount = 100, 10, 3, 2000
	c.MLP = &nn.MLPConfig{N: 2, Width: 128, Emb: 32, Out: 2}
	return c
}

// pfgmRun trains c with pfgm's library in dir and exports its toy set as
// dir/../moons.npy, the same draw as the trainer's (data.RNG(seed)), for the
// twin, which cannot run pfgm's Go generator.
func pfgmRun(t *testing.T, c train.Config, dir string) string {
	t.Helper()
	if _, err := train.Train(context.Background(), &c, train.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	p, err := data.Load(c.Data, c.ToyCount, data.RNG(c.Seed))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(dir), "moons.npy")
	if err := data.WritePoints(path, p); err != nil {
		t.Fatal(err)
	}
	return path
}

// readST reads a safetensors file or fails the test.
func readST(t *testing.T, path string) map[string]safetensors.Tensor {
	t.Helper()
	st, _, err := safetensors.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// relErr is ‖a − b‖₂ / ‖b‖₂ in float64.
func relErr(a, b []float32) float64 {
	var num, den float64
	for i := range b {
		d := float64(a[i]) - float64(b[i])
		num += d * d
		den += float64(b[i]) * float64(b[i])
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

// mean is the average of xs.
func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// freePort returns a TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
