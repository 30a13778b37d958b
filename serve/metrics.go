package serve

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus series, in a registry of its own so
// that several servers (tests) never share state.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	samples  *prometheus.CounterVec
	shed     prometheus.Counter
}

func newMetrics(lim *limiter) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pfgm_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pfgm_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 14),
		}, []string{"route"}),
		samples: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pfgm_samples_generated_total", Help: "Samples generated, by kind of job.",
		}, []string{"job"}),
		shed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pfgm_requests_shed_total", Help: "Sampling requests refused with 429 because the queue was full.",
		}),
	}
	queue := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pfgm_sampling_queue_length", Help: "Sampling jobs waiting for a worker.",
	}, func() float64 { return float64(lim.waiting.Load()) })
	running := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pfgm_sampling_jobs_running", Help: "Sampling jobs running now.",
	}, func() float64 { return float64(lim.running.Load()) })
	m.reg.MustRegister(m.requests, m.latency, m.samples, m.shed, queue, running,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
