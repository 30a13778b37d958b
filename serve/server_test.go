package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/train"
)

func newTestServer(t *testing.T, opt Options) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// post sends body as JSON and returns the status, headers and body.
func post(t *testing.T, url, body string, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// wantError checks a status and a one-line JSON error containing substr.
func wantError(t *testing.T, code int, body []byte, wantCode int, substr string) {
	t.Helper()
	if code != wantCode {
		t.Fatalf("status %d, want %d (body %s)", code, wantCode, body)
	}
	var e struct{ Error string }
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Fatalf("body %q is not a JSON error", body)
	}
	if strings.Contains(e.Error, "\n") || !strings.Contains(e.Error, substr) {
		t.Fatalf("error %q: want one line containing %q", e.Error, substr)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	if code, b := get(t, ts.URL+"/healthz"); code != 200 || strings.TrimSpace(string(b)) != "ok" {
		t.Fatalf("healthz: %d %q", code, b)
	}
	post(t, ts.URL+"/v1/exact/samples", `{"n": 20, "steps": 4, "charges": 100}`)
	code, b := get(t, ts.URL+"/metrics")
	if code != 200 {
		t.Fatalf("metrics: %d", code)
	}
	for _, want := range []string{
		`pfgm_http_requests_total{code="200",route="GET /healthz"} 1`,
		`pfgm_samples_generated_total{job="exact"} 20`,
		"pfgm_sampling_queue_length 0",
		"pfgm_http_request_duration_seconds_bucket",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

type exactAnswer struct {
	Samples      [][]float64
	Data         [][]float64
	NFE          int
	D            string
	Sigmas       []float64
	Trajectories [][][]float64
	Weights      *struct {
		ESS float64 `json:"ess_final"`
	}
}

func TestExactSamplesDeterministic(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	body := `{"data": "toy:8gaussians", "charges": 500, "D": "inf", "n": 50, "steps": 6, "seed": 7, "trajectories": true}`
	code, _, b1 := post(t, ts.URL+"/v1/exact/samples", body)
	if code != 200 {
		t.Fatalf("status %d: %s", code, b1)
	}
	_, _, b2 := post(t, ts.URL+"/v1/exact/samples", body)
	var a1, a2 exactAnswer
	if err := json.Unmarshal(b1, &a1); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b2, &a2); err != nil {
		t.Fatal(err)
	}
	if len(a1.Samples) != 50 || len(a1.Samples[0]) != 2 || a1.D != "inf" || a1.NFE != 11 {
		t.Fatalf("got %d samples of dim %d, D %s, NFE %d", len(a1.Samples), len(a1.Samples[0]), a1.D, a1.NFE)
	}
	b1s, _ := json.Marshal(a1.Samples)
	b2s, _ := json.Marshal(a2.Samples)
	if !bytes.Equal(b1s, b2s) {
		t.Fatal("the same seed gave different samples")
	}
	// Trajectories run from the prior (σ_max = 80) to the samples.
	if len(a1.Trajectories) < 2 || a1.Sigmas[0] != 80 {
		t.Fatalf("trajectory: %d frames, first σ %v", len(a1.Trajectories), a1.Sigmas)
	}
	last := a1.Trajectories[len(a1.Trajectories)-1]
	for i := range last {
		if last[i][0] != a1.Samples[i][0] || last[i][1] != a1.Samples[i][1] {
			t.Fatalf("last frame differs from the samples at %d", i)
		}
	}
	// Another seed, other samples.
	_, _, b3 := post(t, ts.URL+"/v1/exact/samples", strings.Replace(body, `"seed": 7`, `"seed": 8`, 1))
	var a3 exactAnswer
	_ = json.Unmarshal(b3, &a3)
	if a3.Samples[0][0] == a1.Samples[0][0] {
		t.Fatal("another seed gave the same first sample")
	}
}

// Posted charges: with a single charge every sample lands on it.
func TestExactPostedPoints(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	code, _, b := post(t, ts.URL+"/v1/exact/samples", `{"points": [[3, -2, 1]], "D": 4, "n": 10, "steps": 12}`)
	if code != 200 {
		t.Fatalf("status %d: %s", code, b)
	}
	var a exactAnswer
	_ = json.Unmarshal(b, &a)
	for _, s := range a.Samples {
		if len(s) != 3 || abs(s[0]-3) > 1e-3 || abs(s[1]+2) > 1e-3 || abs(s[2]-1) > 1e-3 {
			t.Fatalf("sample %v is not on the charge (3, −2, 1)", s)
		}
	}
	// Yukawa with a mass reports its particle weights.
	code, _, b = post(t, ts.URL+"/v1/exact/samples", `{"data": "toy:2clusters", "charges": 300, "D": 1, "process": "yukawa", "m": 1, "n": 200}`)
	if code != 200 {
		t.Fatalf("yukawa: status %d: %s", code, b)
	}
	_ = json.Unmarshal(b, &a)
	if a.Weights == nil || !(a.Weights.ESS > 0) {
		t.Fatalf("yukawa answer without weights: %s", b[:min(len(b), 200)])
	}
}

func abs(x float64) float64 { return max(x, -x) }

func TestBadRequests(t *testing.T) {
	_, ts := newTestServer(t, Options{MaxN: 100, MaxSteps: 50, MaxBody: 2000})
	url := ts.URL + "/v1/exact/samples"
	for _, c := range []struct {
		body, want string
	}{
		{`{"n": 101}`, "n 101"},
		{`{"steps": 51}`, "steps 51"},
		{`{"n": -1}`, "n -1"},
		{`{"D": 0}`, "D"},
		{`{"D": "two"}`, "D"},
		{`{"nn": 3}`, "unknown field"},
		{`{"n": 3`, "bad JSON"},
		{`{"n": 3} {}`, "after the request"},
		{`{"data": "/etc/passwd"}`, "toy:NAME"},
		{`{"data": "toy:nope"}`, "nope"},
		{`{"points": [[1, 2], [3]]}`, "row 1"},
		{`{"points": []}`, "empty"},
		{`{"alpha": -1}`, "alpha"},
		{`{"solver": "magic"}`, "magic"},
		{`{"m": 1}`, "yukawa"},
		{`{"process": "yukawa", "m": 1, "D": "inf"}`, "finite"},
		{`{"points": [` + strings.Repeat(`[1, 2],`, 400) + `[1, 2]]}`, "over 2000 bytes"},
	} {
		code, _, b := post(t, url, c.body)
		t.Run(c.want, func(t *testing.T) { wantError(t, code, b, http.StatusBadRequest, c.want) })
	}
	code, _, b := post(t, ts.URL+"/v1/runs/nope/samples", `{}`)
	wantError(t, code, b, http.StatusNotFound, "no such run")
	code, _, b = post(t, ts.URL+"/v1/runs/..%2F..%2Fetc/samples", `{}`)
	wantError(t, code, b, http.StatusNotFound, "no such run")
	if code, _ := get(t, ts.URL+"/v1/runs/nope/loss"); code != 404 {
		t.Fatalf("loss of no run: %d", code)
	}
}

// With every worker busy and the queue full, a request is shed at once with
// 429 and Retry-After; once the worker is free, it is served.
func TestOverloadSheds(t *testing.T) {
	s, ts := newTestServer(t, Options{Workers: 1, Queue: 0, RetryAfter: 3 * time.Second})
	release, err := s.lim.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	code, hdr, b := post(t, ts.URL+"/v1/exact/samples", `{"n": 10, "steps": 3, "charges": 50}`)
	wantError(t, code, b, http.StatusTooManyRequests, "busy")
	if hdr.Get("Retry-After") != "3" {
		t.Fatalf("Retry-After %q, want 3", hdr.Get("Retry-After"))
	}
	if code, _ := get(t, ts.URL+"/healthz"); code != 200 {
		t.Fatal("health check failed under overload")
	}
	release()
	if code, _, b := post(t, ts.URL+"/v1/exact/samples", `{"n": 10, "steps": 3, "charges": 50}`); code != 200 {
		t.Fatalf("after release: %d %s", code, b)
	}
}

// A queued request waits for the worker instead of being shed.
func TestQueueWaits(t *testing.T) {
	s, ts := newTestServer(t, Options{Workers: 1, Queue: 1})
	release, _ := s.lim.acquire(context.Background())
	done := make(chan int)
	go func() {
		code, _, _ := post(t, ts.URL+"/v1/exact/samples", `{"n": 10, "steps": 3, "charges": 50}`)
		done <- code
	}()
	waitFor(t, func() bool { return s.lim.waiting.Load() == 1 })
	release()
	if code := <-done; code != 200 {
		t.Fatalf("queued request: %d", code)
	}
}

// A client that goes away cancels its job and frees the worker.
func TestClientGoneFreesWorker(t *testing.T) {
	s, ts := newTestServer(t, Options{Workers: 1, Queue: 0})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/v1/exact/samples",
		strings.NewReader(`{"n": 10000, "steps": 256, "charges": 20000, "D": 128}`))
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	waitFor(t, func() bool { return s.lim.running.Load() == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("client error %v, want canceled", err)
	}
	waitFor(t, func() bool { return s.lim.running.Load() == 0 })
}

// waitFor polls cond for up to 30 s: the bound is a safety net against a
// hang, not a timing assertion.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 30 s")
}

func TestPanicDoesNotKillServer(t *testing.T) {
	s, ts := newTestServer(t, Options{})
	s.handle("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	code, b := get(t, ts.URL+"/boom")
	wantError(t, code, b, http.StatusInternalServerError, "internal error")
	if code, _ := get(t, ts.URL+"/healthz"); code != 200 {
		t.Fatal("server down after a panic")
	}
}

// Shutdown (SIGTERM in pfgm serve) lets an in-flight request finish and
// then returns nil.
func TestDrainOnShutdown(t *testing.T) {
	s, err := New(Options{DrainPeriod: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	result := make(chan int, 1)
	go func() {
		code, _, _ := post(t, url+"/v1/exact/samples", `{"n": 500, "steps": 20, "charges": 2000}`)
		result <- code
	}()
	waitFor(t, func() bool { return s.lim.running.Load() == 1 })
	stop()
	if code := <-result; code != 200 {
		t.Fatalf("in-flight request got %d during the drain", code)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("server still accepting after shutdown")
	}
}

// tinyRun trains a small point model for a few steps into dir.
func tinyRun(t *testing.T, dir string) {
	t.Helper()
	c := train.DefaultConfig()
	c.Data, c.Steps, c.Batch, c.D = "toy:moons", 30, 64, 4
	c.ToyCount, c.CheckpointEvery, c.SampleEvery = 500, 30, 0
	if _, err := train.Train(context.Background(), &c, train.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
}

func TestRuns(t *testing.T) {
	root := t.TempDir()
	_, ts := newTestServer(t, Options{RunsDir: root})
	var list struct{ Runs []runInfo }
	_, b := get(t, ts.URL+"/v1/runs")
	_ = json.Unmarshal(b, &list)
	if len(list.Runs) != 0 {
		t.Fatalf("empty directory lists %d runs", len(list.Runs))
	}
	// A run added while the server runs appears without a restart, also
	// one level down.
	tinyRun(t, filepath.Join(root, "group", "moons"))
	if err := os.WriteFile(filepath.Join(root, "group", "moons", "metrics.json"), []byte(`{"sw2": 0.1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, b = get(t, ts.URL+"/v1/runs")
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	var m struct{ SW2 float64 }
	if len(list.Runs) != 1 || json.Unmarshal(list.Runs[0].Metrics, &m) != nil || m.SW2 != 0.1 {
		t.Fatalf("runs: %s", b)
	}
	if r := list.Runs[0]; r.Name != "group/moons" || r.D != "4" || r.Dim != 2 || r.Objective != train.ObjectivePFGMpp || r.Process != "poisson" {
		t.Fatalf("runs: %s", b)
	}
	name := "group%2Fmoons"
	code, _, b := post(t, ts.URL+"/v1/runs/"+name+"/samples", `{"n": 40, "steps": 5, "seed": 3}`)
	if code != 200 {
		t.Fatalf("samples: %d %s", code, b)
	}
	var a exactAnswer
	_ = json.Unmarshal(b, &a)
	if len(a.Samples) != 40 || len(a.Samples[0]) != 2 || a.NFE != 9 {
		t.Fatalf("run samples: %d, NFE %d", len(a.Samples), a.NFE)
	}
	_, _, b2 := post(t, ts.URL+"/v1/runs/"+name+"/samples", `{"n": 40, "steps": 5, "seed": 3}`)
	var a2 exactAnswer
	_ = json.Unmarshal(b2, &a2)
	if fmt.Sprint(a.Samples) != fmt.Sprint(a2.Samples) {
		t.Fatal("the same seed gave different run samples")
	}
	var loss struct {
		Steps []int
		Loss  []float64
	}
	code, b = get(t, ts.URL+"/v1/runs/"+name+"/loss")
	if err := json.Unmarshal(b, &loss); err != nil || code != 200 || len(loss.Loss) != 30 || loss.Steps[29] != 30 {
		t.Fatalf("loss: %d %s", code, b)
	}
	code, _, b = post(t, ts.URL+"/v1/runs/"+name+"/samples", `{"n": 4, "class": 1}`)
	wantError(t, code, b, http.StatusBadRequest, "class")
}

// An image run answers with a PNG grid, NPY or JSON by Accept.
func TestImageRunFormats(t *testing.T) {
	root := t.TempDir()
	trainImageRun(t, filepath.Join(root, "img"))
	_, ts := newTestServer(t, Options{RunsDir: root})
	url := ts.URL + "/v1/runs/img/samples"
	body := `{"n": 6, "steps": 3, "seed": 2}`
	code, hdr, b := post(t, url, body)
	if code != 200 || hdr.Get("Content-Type") != "image/png" || hdr.Get("X-NFE") != "5" {
		t.Fatalf("default answer: %d %s NFE %s", code, hdr.Get("Content-Type"), hdr.Get("X-NFE"))
	}
	grid, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if grid.Bounds().Dx() < 3*8 || grid.Bounds().Dy() < 2*8 {
		t.Fatalf("grid of 6 8×8 images is %v", grid.Bounds())
	}
	code, hdr, b = post(t, url, body, "Accept", "application/x-npy")
	if code != 200 || hdr.Get("Content-Type") != "application/x-npy" || !bytes.HasPrefix(b, []byte("\x93NUMPY")) {
		t.Fatalf("npy answer: %d %s %q", code, hdr.Get("Content-Type"), b[:min(len(b), 10)])
	}
	path := filepath.Join(t.TempDir(), "x.npy")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	arr, err := data.ReadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(arr.Shape) != "[6 1 8 8]" {
		t.Fatalf("npy shape %v", arr.Shape)
	}
	code, _, b = post(t, url, body, "Accept", "application/json")
	var js struct {
		Shape  []int
		Images []float32
	}
	if err := json.Unmarshal(b, &js); err != nil || code != 200 || len(js.Images) != 6*64 {
		t.Fatalf("json answer: %d, %d values", code, len(js.Images))
	}
	for i, v := range js.Images {
		if v < 0 || v > 1 || float64(v) != arr.Data[i] {
			t.Fatalf("value %d: JSON %v, NPY %v (want equal, in [0, 1])", i, v, arr.Data[i])
		}
	}
}

// trainImageRun trains a tiny U-Net for 2 steps on eight 8×8 grey PNGs
// into dir: enough to sample, not to look like anything.
func trainImageRun(t *testing.T, dir string) {
	t.Helper()
	imgs := t.TempDir()
	for i := range 8 {
		im := image.NewGray(image.Rect(0, 0, 8, 8))
		for p := range im.Pix {
			im.Pix[p] = uint8(30 * (i + p%3))
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, im); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(imgs, fmt.Sprintf("%d.png", i)), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := train.DefaultConfig()
	c.Data, c.Model, c.Steps, c.Batch, c.CheckpointEvery, c.SampleEvery = imgs, "unet", 2, 4, 2, 0
	c.ImageC, c.ImageH, c.ImageW, c.Dim = 1, 8, 8, 64
	c.UNet = &nn.UNetConfig{Channels: []int{8, 16}, ResBlocks: 1, Emb: 16}
	if _, err := train.Train(context.Background(), &c, train.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
}
