package bench

import "testing"

// The workloads as Go benchmarks, for `go test -bench . ./bench`:
// ns/op is one step; GEMM also reports GFLOP/s.

func BenchmarkGEMM1024(b *testing.B) {
	w, err := NewGEMM(1024, testRNG())
	if err != nil {
		b.Fatal(err)
	}
	loop(b, w)
	b.ReportMetric(w.Flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkTrainMLP(b *testing.B) {
	w, err := NewTrain("mlp", 1024, 128, testRNG())
	if err != nil {
		b.Fatal(err)
	}
	loop(b, w)
}

func BenchmarkTrainUNet(b *testing.B) {
	w, err := NewTrain("unet", 64, 128, testRNG())
	if err != nil {
		b.Fatal(err)
	}
	loop(b, w)
}

func BenchmarkSampleUNet(b *testing.B) {
	w, err := NewSampleUNet(64, 10, testRNG())
	if err != nil {
		b.Fatal(err)
	}
	loop(b, w)
}

func loop(b *testing.B, w *Workload) {
	b.Helper()
	if err := w.Step(); err != nil { // warm-up: buffers and tapes sized
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := w.Step(); err != nil {
			b.Fatal(err)
		}
	}
}
