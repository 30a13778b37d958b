package serve

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options are the server's limits and where its runs live. Zero values take
// the defaults of DefaultOptions.
type Options struct {
	RunsDir string // directory holding run directories (may be empty: exact-field sampling only)

	MaxN        int   // samples per request
	MaxSteps    int   // sampler steps per request
	MaxCharges  int   // charges of an exact-field request (toy draws or posted points)
	MaxBody     int64 // request body bytes
	Workers     int   // sampling jobs at once
	Queue       int   // sampling jobs that may wait for a worker; beyond it 429
	RetryAfter  time.Duration
	MaxMemory   int64         // per job, passed to the pipeline's estimates (0: its default)
	JobTimeout  time.Duration // a sampling job's longest run
	DrainPeriod time.Duration // how long Serve waits for in-flight requests on shutdown

	Log *slog.Logger // nil: discard
}

// DefaultOptions are `pfgm serve`'s defaults: room for a 2,000-point
// trajectory animation, a handful of image grids, and no more jobs at once
// than cores.
func DefaultOptions() Options {
	return Options{
		MaxN: 10000, MaxSteps: 256, MaxCharges: 20000, MaxBody: 4 << 20,
		Workers: runtime.GOMAXPROCS(0), Queue: 4, RetryAfter: time.Second,
		JobTimeout: 2 * time.Minute, DrainPeriod: 30 * time.Second,
	}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&o.MaxN, d.MaxN)
	set(&o.MaxSteps, d.MaxSteps)
	set(&o.MaxCharges, d.MaxCharges)
	set(&o.Workers, d.Workers)
	if o.Queue < 0 {
		o.Queue = 0
	}
	if o.MaxBody <= 0 {
		o.MaxBody = d.MaxBody
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = d.RetryAfter
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = d.JobTimeout
	}
	if o.DrainPeriod <= 0 {
		o.DrainPeriod = d.DrainPeriod
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Server is the HTTP service. Create it with New; it is an http.Handler.
type Server struct {
	opt     Options
	runs    *runs
	lim     *limiter
	metrics *metrics
	mux     *http.ServeMux
}

//go:embed web
var webFiles embed.FS

// New builds a server over the runs in opt.RunsDir. Runs are found anew on
// every listing and loaded on first use, so a run added later appears
// without a restart.
func New(opt Options) (*Server, error) {
	opt = opt.withDefaults()
	s := &Server{opt: opt, runs: newRuns(opt.RunsDir, opt.MaxMemory), lim: newLimiter(opt.Workers, opt.Queue)}
	s.metrics = newMetrics(s.lim)
	web, err := fs.Sub(webFiles, "web")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	s.mux = mux
	s.handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	s.handle("GET /v1/toys", s.listToys)
	s.handle("GET /v1/runs", s.listRuns)
	s.handle("GET /v1/runs/{name}/loss", s.runLoss)
	s.handle("POST /v1/runs/{name}/samples", s.sampleRun)
	s.handle("POST /v1/exact/samples", s.sampleExact)
	s.handle("GET /", http.FileServerFS(web).ServeHTTP)
	return s, nil
}

// ServeHTTP serves the API, the metrics and the page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// handle registers h under pattern with the middleware every route shares:
// panic recovery, a status-recording writer, metrics and a log line.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.opt.Log.Error("panic in handler", "route", pattern, "panic", fmt.Sprint(p))
				if sw.status == 0 {
					writeError(sw, http.StatusInternalServerError, errors.New("internal error"))
				}
			}
			code := sw.status
			if code == 0 {
				code = http.StatusOK
			}
			s.metrics.requests.WithLabelValues(pattern, strconv.Itoa(code)).Inc()
			s.metrics.latency.WithLabelValues(pattern).Observe(time.Since(start).Seconds())
			s.opt.Log.Info("request", "method", r.Method, "path", r.URL.Path, "code", code, "ms", time.Since(start).Milliseconds())
		}()
		h(sw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// writeJSON sends v as one JSON document.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError sends {"error": "..."} with the error on one line.
func writeError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": oneLine(err.Error())})
}

// Serve answers on ln until ctx ends, then stops accepting, lets in-flight
// requests finish (up to opt.DrainPeriod) and returns nil: SIGTERM drains.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.opt.JobTimeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.opt.Log.Info("draining", "period", s.opt.DrainPeriod)
	dctx, cancel := context.WithTimeout(context.Background(), s.opt.DrainPeriod)
	defer cancel()
	if err := srv.Shutdown(dctx); err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
