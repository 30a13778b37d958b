package serve

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"
)

// LoadOptions choose a load test: a server with opt.Server's limits on
// 127.0.0.1, driven with Request at multiples of its measured capacity.
type LoadOptions struct {
	Server  Options
	Request string        // body of POST /v1/exact/samples
	Levels  []float64     // offered load as multiples of capacity
	Period  time.Duration // how long each level offers load
	// MaxRequests bounds the requests of one level, whatever the rate.
	MaxRequests int
}

// DefaultLoadOptions drives a 200-sample, 10-step exact-field request at
// 1×, 2× and 4× capacity for 10 s each, 2,000 requests at most a level.
func DefaultLoadOptions() LoadOptions {
	return LoadOptions{
		Request: `{"data": "toy:moons", "charges": 1000, "n": 200, "steps": 10, "seed": 1}`,
		Levels:  []float64{1, 2, 4}, Period: 10 * time.Second, MaxRequests: 2000,
	}
}

// LoadReport is what a load test measured.
type LoadReport struct {
	Workers     int           `json:"workers"`
	Queue       int           `json:"queue"`
	ServiceMS   float64       `json:"service_ms"`   // median time of one request alone
	CapacityRPS float64       `json:"capacity_rps"` // throughput with every worker kept busy
	Levels      []LevelReport `json:"levels"`
}

// LevelReport is one level of offered load.
type LevelReport struct {
	Load        float64 `json:"load"`        // × capacity
	OfferedRPS  float64 `json:"offered_rps"` // arrivals per second
	Sent        int     `json:"sent"`
	OK          int     `json:"ok"`
	Shed        int     `json:"shed"`   // answered 429
	Failed      int     `json:"failed"` // any other answer or a transport error
	Throughput  float64 `json:"throughput_rps"`
	P50MS       float64 `json:"p50_ms"` // latency of the accepted requests
	P99MS       float64 `json:"p99_ms"`
	ShedShare   float64 `json:"shed_share"`
	HealthP99MS float64 `json:"health_p99_ms"` // GET /healthz during the level
	HealthFail  int     `json:"health_failures"`
	PeakHeapMB  float64 `json:"peak_heap_mb"`
}

// Load runs a load test in this process: it starts a server on an
// ephemeral loopback port, measures the time of one request alone, then
// offers each level's rate of arrivals (open loop: arrivals do not wait for
// answers) for Period, probing /healthz and the heap all along. Capacity
// is the throughput of a closed loop of Workers clients.
func Load(ctx context.Context, opt LoadOptions) (LoadReport, error) {
	def := DefaultLoadOptions()
	if opt.Request == "" {
		opt.Request = def.Request
	}
	if len(opt.Levels) == 0 {
		opt.Levels = def.Levels
	}
	if opt.Period <= 0 {
		opt.Period = def.Period
	}
	if opt.MaxRequests <= 0 {
		opt.MaxRequests = def.MaxRequests
	}
	s, err := New(opt.Server)
	if err != nil {
		return LoadReport{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return LoadReport{}, err
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- s.Serve(sctx, ln) }()
	defer func() { stop(); <-served }()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}}

	rep := LoadReport{Workers: s.opt.Workers, Queue: s.opt.Queue}
	// Service time: a warm-up, then the median of 5 requests alone.
	var alone []float64
	for i := range 6 {
		d, code, err := timedPost(ctx, client, base+"/v1/exact/samples", opt.Request)
		if err != nil || code != http.StatusOK {
			return rep, fmt.Errorf("request alone: status %d: %v", code, err)
		}
		if i > 0 {
			alone = append(alone, d.Seconds())
		}
	}
	rep.ServiceMS = round1(median(alone) * 1e3)
	// Capacity: the throughput of a closed loop that keeps every worker
	// busy (each job may use every core, so workers/service time would
	// overstate it).
	capacity, err := closedLoop(ctx, client, base+"/v1/exact/samples", opt.Request, rep.Workers, max(3*time.Second, opt.Period/3), 10)
	if err != nil {
		return rep, err
	}
	rep.CapacityRPS = round1(capacity)
	for _, lv := range opt.Levels {
		r, err := loadLevel(ctx, client, base, opt, lv, lv*rep.CapacityRPS)
		if err != nil {
			return rep, err
		}
		rep.Levels = append(rep.Levels, r)
	}
	return rep, nil
}

func loadLevel(ctx context.Context, client *http.Client, base string, opt LoadOptions, load, rate float64) (LevelReport, error) {
	r := LevelReport{Load: load, OfferedRPS: round1(rate)}
	n := min(opt.MaxRequests, max(1, int(rate*opt.Period.Seconds())))
	gap := time.Duration(float64(time.Second) / rate)
	var mu sync.Mutex
	var lat []float64
	var wg sync.WaitGroup
	probeCtx, stopProbe := context.WithCancel(ctx)
	var health []float64
	var peak uint64
	probed := make(chan struct{})
	go func() {
		defer close(probed)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-probeCtx.Done():
				return
			case <-tick.C:
			}
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			start := time.Now()
			resp, err := client.Get(base + "/healthz")
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if err != nil || resp.StatusCode != http.StatusOK {
				r.HealthFail++
				continue
			}
			health = append(health, time.Since(start).Seconds())
		}
	}()
	start := time.Now()
	for i := range n {
		if d := time.Until(start.Add(time.Duration(i) * gap)); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				stopProbe()
				return r, ctx.Err()
			}
		}
		wg.Go(func() {
			d, code, err := timedPost(ctx, client, base+"/v1/exact/samples", opt.Request)
			mu.Lock()
			defer mu.Unlock()
			r.Sent++
			switch {
			case err != nil:
				r.Failed++
			case code == http.StatusOK:
				r.OK++
				lat = append(lat, d.Seconds())
			case code == http.StatusTooManyRequests:
				r.Shed++
			default:
				r.Failed++
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	stopProbe()
	<-probed
	r.Throughput = round1(float64(r.OK) / elapsed)
	r.P50MS, r.P99MS = round1(quantile(lat, 0.5)*1e3), round1(quantile(lat, 0.99)*1e3)
	r.ShedShare = math.Round(float64(r.Shed)/float64(max(r.Sent, 1))*1000) / 1000
	r.HealthP99MS = round1(quantile(health, 0.99) * 1e3)
	r.PeakHeapMB = round1(float64(peak) / (1 << 20))
	return r, nil
}

// closedLoop runs clients goroutines that each send the request again as
// soon as the last one is answered, for at least period and at least
// perClient requests each, and returns the requests answered per second.
func closedLoop(ctx context.Context, client *http.Client, url, body string, clients int, period time.Duration, perClient int) (float64, error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var done int
	var firstErr error
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for sent := 0; sent < perClient || time.Since(start) < period; sent++ {
				_, code, err := timedPost(ctx, client, url, body)
				mu.Lock()
				if err == nil && code != http.StatusOK {
					err = fmt.Errorf("status %d", code)
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
				done++
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return 0, fmt.Errorf("measuring capacity: %w", firstErr)
	}
	return float64(done) / time.Since(start).Seconds(), nil
}

func timedPost(ctx context.Context, client *http.Client, url, body string) (time.Duration, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewBufferString(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, 0, err
	}
	return time.Since(start), resp.StatusCode, nil
}

func median(x []float64) float64 { return quantile(x, 0.5) }

// quantile is the q-quantile of x by the nearest rank (0 for no data).
func quantile(x []float64, q float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := slices.Clone(x)
	slices.Sort(s)
	return s[min(len(s)-1, int(math.Ceil(q*float64(len(s))))-1+boolInt(q == 0))]
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
