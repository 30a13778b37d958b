package serve

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/pipeline"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
)

// Defaults of a sampling request's fields.
const (
	defaultN       = 500
	defaultSteps   = 18
	defaultCharges = 2000
	defaultD       = 128
	// maxFrames bounds the trajectory frames one response carries.
	maxFrames = 64
	// maxTrajectoryValues bounds n·dim·frames of a trajectory response.
	maxTrajectoryValues = 4 << 20
)

// badRequest marks an error as the client's: 400.
type badRequest struct{ error }

func badf(format string, a ...any) error { return badRequest{fmt.Errorf(format, a...)} }

// dValue is D in a request: a number, or "inf" / a number as a string.
type dValue float64

func (d *dValue) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := process.ParseD(s)
	if err != nil {
		return err
	}
	*d = dValue(v)
	return nil
}

// exactRequest is the body of POST /v1/exact/samples.
type exactRequest struct {
	Data         string      `json:"data"`    // toy:NAME; files are never read on a client's behalf
	Points       [][]float64 `json:"points"`  // or the charges themselves
	Charges      int         `json:"charges"` // points drawn from the toy set
	D            *dValue     `json:"D"`
	Process      string      `json:"process"`
	M            float64     `json:"m"`
	N            int         `json:"n"`
	Steps        int         `json:"steps"`
	Solver       string      `json:"solver"`
	Seed         *uint64     `json:"seed"`
	Alpha        float64     `json:"alpha"`
	Trajectories bool        `json:"trajectories"`
}

// runRequest is the body of POST /v1/runs/{name}/samples.
type runRequest struct {
	N      int     `json:"n"`
	Steps  int     `json:"steps"` // 0: the run's default
	Solver string  `json:"solver"`
	Seed   *uint64 `json:"seed"`
	Class  *int    `json:"class"`
	Alpha  float64 `json:"alpha"`
}

// sampleResponse is a sampling job's JSON answer.
type sampleResponse struct {
	Samples      [][]float64       `json:"samples,omitempty"`
	Data         [][]float64       `json:"data,omitempty"` // the charges (exact field), for display
	Shape        []int             `json:"shape,omitempty"`
	Images       []float32         `json:"images,omitempty"` // image runs: values in [0, 1], shape (n, C, H, W)
	NFE          int               `json:"nfe"`
	ElapsedMS    float64           `json:"elapsed_ms"`
	D            string            `json:"D,omitempty"`
	Sigmas       []float64         `json:"sigmas,omitempty"`
	Trajectories [][][]float64     `json:"trajectories,omitempty"` // [frame][sample][coordinate]
	Weights      *pipeline.Weights `json:"weights,omitempty"`
}

// decode reads a JSON body under the size limit, refusing unknown fields
// and trailing data.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, s.opt.MaxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty body takes every default
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return badf("request body over %d bytes", tooBig.Limit)
		}
		return badf("bad JSON: %v", err)
	}
	if dec.More() {
		return badf("bad JSON: data after the request object")
	}
	return nil
}

// checkCommon applies the per-request limits shared by both sampling routes.
func (s *Server) checkCommon(n, steps int, alpha float64) error {
	switch {
	case n < 0 || n > s.opt.MaxN:
		return badf("n %d: want 1…%d", n, s.opt.MaxN)
	case steps < 0 || steps > s.opt.MaxSteps:
		return badf("steps %d: want 1…%d", steps, s.opt.MaxSteps)
	case !(alpha >= 0) || math.IsInf(alpha, 0):
		return badf("alpha %v: want a finite value ≥ 0", alpha)
	}
	return nil
}

func (s *Server) sampleExact(w http.ResponseWriter, r *http.Request) {
	var req exactRequest
	if err := s.decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	opt, err := s.exactOptions(&req)
	if err != nil {
		s.fail(w, err)
		return
	}
	res, err := runJob(s, r.Context(), func(ctx context.Context) (*pipeline.SampleResult, error) {
		return pipeline.SampleExact(ctx, opt)
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	s.metrics.samples.WithLabelValues("exact").Add(float64(opt.N))
	resp := sampleResponse{NFE: res.NFE, ElapsedMS: ms(res.Elapsed), D: process.FormatD(opt.D), Weights: res.Weights}
	resp.Samples = rows(res.Samples)
	if res.Data != nil {
		resp.Data = rows(res.Data.Sample(min(res.Data.N(), 2000), data.RNG(1)))
	}
	if req.Trajectories {
		resp.Sigmas, resp.Trajectories = frames(res, maxFrames)
	}
	writeJSON(w, http.StatusOK, resp)
}

// exactOptions turns a request into pipeline options, with the server's
// limits and defaults.
func (s *Server) exactOptions(req *exactRequest) (pipeline.SampleExactOptions, error) {
	opt := pipeline.DefaultSampleExactOptions()
	opt.MaxMemory = s.opt.MaxMemory
	opt.N, opt.Sampler.Steps, opt.Charges, opt.D = defaultN, defaultSteps, defaultCharges, defaultD
	if err := s.checkCommon(req.N, req.Steps, req.Alpha); err != nil {
		return opt, err
	}
	switch {
	case req.Data != "" && req.Points != nil:
		return opt, badf("give data (a toy set) or points, not both")
	case req.Points != nil:
		pts, err := pointsOf(req.Points, s.opt.MaxCharges)
		if err != nil {
			return opt, err
		}
		opt.Points = pts
	case strings.HasPrefix(req.Data, "toy:"):
		if !slices.Contains(data.ToyNames(), strings.TrimPrefix(req.Data, "toy:")) {
			return opt, badf("data %q: unknown toy set (known: %s)", req.Data, strings.Join(data.ToyNames(), ", "))
		}
		opt.Data = req.Data
	case req.Data == "":
		opt.Data = "toy:moons"
	default:
		return opt, badf("data %q: want toy:NAME (see /v1/toys) or points", req.Data)
	}
	if req.Charges < 0 || req.Charges > s.opt.MaxCharges {
		return opt, badf("charges %d: want 1…%d", req.Charges, s.opt.MaxCharges)
	}
	if req.Charges > 0 {
		opt.Charges = req.Charges
	}
	if req.N > 0 {
		opt.N = req.N
	}
	if req.Steps > 0 {
		opt.Sampler.Steps = req.Steps
	}
	if req.D != nil {
		opt.D = float64(*req.D)
	}
	if req.Seed != nil {
		opt.Seed = *req.Seed
	}
	opt.Process, opt.M, opt.Sampler.Alpha = req.Process, req.M, req.Alpha
	if req.Solver != "" {
		sv, err := sampler.ParseSolver(req.Solver)
		if err != nil {
			return opt, badRequest{err}
		}
		opt.Sampler.Solver = sv
	}
	if req.Trajectories {
		if dim := 2; len(req.Points) > 0 {
			dim = len(req.Points[0])
			if opt.N*dim*maxFrames > maxTrajectoryValues {
				return opt, badf("trajectories of %d samples in %d dimensions: too large, ask for fewer samples", opt.N, dim)
			}
		}
		opt.Trajectories = true
	}
	return opt, nil
}

// pointsOf checks posted charges: a rectangular, finite, non-empty table.
func pointsOf(rows [][]float64, maxRows int) (*data.Points, error) {
	if len(rows) == 0 {
		return nil, badf("points: empty")
	}
	if len(rows) > maxRows {
		return nil, badf("points: %d rows, at most %d", len(rows), maxRows)
	}
	dim := len(rows[0])
	if dim == 0 {
		return nil, badf("points: rows have no coordinates")
	}
	p := data.NewPoints(len(rows), dim)
	for i, row := range rows {
		if len(row) != dim {
			return nil, badf("points: row %d has %d coordinates, row 0 has %d", i, len(row), dim)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, badf("points: row %d, coordinate %d is %v", i, j, v)
			}
		}
		copy(p.Row(i), row)
	}
	return p, nil
}

func (s *Server) sampleRun(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var req runRequest
	if err := s.decode(w, r, &req); err != nil {
		s.fail(w, err)
		return
	}
	if err := s.checkCommon(req.N, req.Steps, req.Alpha); err != nil {
		s.fail(w, err)
		return
	}
	run, err := s.runs.open(name)
	if err != nil {
		s.fail(w, err)
		return
	}
	opt := pipeline.DefaultSampleRunOptions()
	opt.MaxMemory = s.opt.MaxMemory
	opt.N = cmp.Or(req.N, 16)
	if req.Seed != nil {
		opt.Seed = *req.Seed
	}
	if req.Steps > 0 {
		opt.Sampler.Steps = req.Steps
	}
	opt.Sampler.Alpha = req.Alpha
	if req.Solver != "" {
		sv, err := sampler.ParseSolver(req.Solver)
		if err != nil {
			s.fail(w, badRequest{err})
			return
		}
		opt.Sampler.Solver = sv
	}
	if req.Class != nil {
		opt.Class = req.Class
	}
	res, err := runJob(s, r.Context(), func(ctx context.Context) (*pipeline.SampleResult, error) {
		return run.Sample(ctx, opt)
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	s.metrics.samples.WithLabelValues("run").Add(float64(opt.N))
	w.Header().Set("X-NFE", strconv.Itoa(res.NFE))
	w.Header().Set("X-Elapsed-Ms", strconv.FormatFloat(ms(res.Elapsed), 'f', 1, 64))
	if res.Images != nil {
		s.writeImages(w, r, res)
		return
	}
	writeJSON(w, http.StatusOK, sampleResponse{Samples: rows(res.Samples), NFE: res.NFE, ElapsedMS: ms(res.Elapsed), Weights: res.Weights})
}

// writeImages answers with a PNG grid, NPY or JSON, by the Accept header
// (PNG when it names none of them).
func (s *Server) writeImages(w http.ResponseWriter, r *http.Request, res *pipeline.SampleResult) {
	im := res.Images
	unit := pipeline.UnitRange(im.X)
	accept := r.Header.Get("Accept")
	switch {
	case strings.Contains(accept, "application/x-npy"):
		var buf bytes.Buffer
		if err := data.EncodeNPY32(&buf, []int{im.N, im.C, im.H, im.W}, unit); err != nil {
			s.fail(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/x-npy")
		_, _ = w.Write(buf.Bytes())
	case strings.Contains(accept, "application/json"):
		writeJSON(w, http.StatusOK, sampleResponse{Shape: []int{im.N, im.C, im.H, im.W}, Images: unit, NFE: res.NFE, ElapsedMS: ms(res.Elapsed)})
	default:
		grid, err := plot.RenderImageGrid(im, pipeline.GridCols(im.N))
		if err != nil {
			s.fail(w, err)
			return
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, grid); err != nil {
			s.fail(w, err)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(buf.Bytes())
	}
}

// runJob runs one sampling job under the limiter and the job timeout; a
// client that goes away cancels r.Context() and so the job.
func runJob(s *Server, ctx context.Context, job func(context.Context) (*pipeline.SampleResult, error)) (*pipeline.SampleResult, error) {
	release, err := s.lim.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, s.opt.JobTimeout)
	defer cancel()
	return job(ctx)
}

// fail answers with the status an error deserves.
func (s *Server) fail(w http.ResponseWriter, err error) {
	var bad badRequest
	switch {
	case errors.Is(err, errBusy):
		s.metrics.shed.Inc()
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(s.opt.RetryAfter.Seconds()))))
		writeError(w, http.StatusTooManyRequests, err)
	case errors.Is(err, errNoRun):
		writeError(w, http.StatusNotFound, err)
	case errors.As(err, &bad), errors.Is(err, pipeline.ErrInvalid), errors.Is(err, pipeline.ErrTooLarge):
		writeError(w, http.StatusBadRequest, err)
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, errors.New("the job ran past the server's time limit"))
	case errors.Is(err, context.Canceled):
		// The client is gone; 499 in the logs, nobody reads the body.
		writeError(w, 499, err)
	default:
		s.opt.Log.Error("job failed", "err", err)
		writeError(w, http.StatusInternalServerError, err)
	}
}

func (s *Server) listToys(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"toys": data.ToyNames()})
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	names, err := s.runs.names()
	if err != nil {
		s.fail(w, err)
		return
	}
	out := []runInfo{}
	for _, n := range names {
		ri, err := s.runs.info(n)
		if err != nil {
			s.opt.Log.Warn("run not listed", "run", n, "err", err)
			continue
		}
		out = append(out, ri)
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": out})
}

// runLoss answers with a run's loss curve, thinned to at most 1,000 points
// (each the mean of its stretch of steps).
func (s *Server) runLoss(w http.ResponseWriter, r *http.Request) {
	dir, err := s.runs.path(r.PathValue("name"))
	if err != nil {
		s.fail(w, err)
		return
	}
	loss, err := train.ReadLosses(dir)
	if err != nil {
		s.fail(w, err)
		return
	}
	const maxPoints = 1000
	per := max(1, (len(loss)+maxPoints-1)/maxPoints)
	steps, vals := []int{}, []float64{}
	for i := 0; i < len(loss); i += per {
		end := min(len(loss), i+per)
		var sum float64
		for _, v := range loss[i:end] {
			sum += v
		}
		steps = append(steps, end)
		vals = append(vals, sum/float64(end-i))
	}
	writeJSON(w, http.StatusOK, map[string]any{"steps": steps, "loss": vals})
}

// rows splits points into one slice per point (nil for nil).
func rows(p *data.Points) [][]float64 {
	if p == nil {
		return nil
	}
	out := make([][]float64, p.N())
	for i := range out {
		out[i] = p.Row(i)
	}
	return out
}

// frames thins a trajectory to at most max frames, keeping the first and
// the last, as [frame][sample][coordinate].
func frames(res *pipeline.SampleResult, max int) ([]float64, [][][]float64) {
	nf := len(res.Trajectory)
	if nf == 0 || res.Samples == nil {
		return nil, nil
	}
	dim := res.Samples.Dim
	var idx []int
	for i := 0; i < max && nf > 0; i++ {
		f := 0
		if max > 1 {
			f = int(math.Round(float64(i) * float64(nf-1) / float64(max-1)))
		}
		if len(idx) == 0 || idx[len(idx)-1] != f {
			idx = append(idx, f)
		}
	}
	sig := make([]float64, len(idx))
	out := make([][][]float64, len(idx))
	for k, f := range idx {
		sig[k] = res.Sigmas[f]
		out[k] = rows(&data.Points{Dim: dim, X: res.Trajectory[f]})
	}
	return sig, out
}

func ms(d time.Duration) float64 { return math.Round(d.Seconds()*1e4) / 10 }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
