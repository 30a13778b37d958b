package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pfgm/pfgm/pipeline"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/train"
)

// errNoRun is a run name that names no run under the runs directory.
var errNoRun = errors.New("no such run")

// maxRunDepth is how deep below the runs directory runs are looked for
// (pfgm-demo/D-4 is two levels down).
const maxRunDepth = 3

// runs finds the run directories under dir and keeps the ones in use
// loaded. A run is reloaded when its weights file changes, so a run that
// is still training serves its newest checkpoint on the next request.
type runs struct {
	dir       string
	maxMemory int64

	mu     sync.Mutex
	loaded map[string]loadedRun
}

type loadedRun struct {
	run   *pipeline.Run
	stamp time.Time
}

func newRuns(dir string, maxMemory int64) *runs {
	return &runs{dir: dir, maxMemory: maxMemory, loaded: map[string]loadedRun{}}
}

// runInfo is one run as GET /v1/runs lists it.
type runInfo struct {
	Name      string          `json:"name"`
	Data      string          `json:"data"`
	Model     string          `json:"model"`
	Objective string          `json:"objective"`
	Process   string          `json:"process"`
	D         string          `json:"D"`
	M         float64         `json:"m,omitempty"`
	Dim       int             `json:"dim"`
	Image     []int           `json:"image,omitempty"` // C, H, W of an image run
	Classes   int             `json:"classes,omitempty"`
	Steps     int             `json:"steps"`
	Metrics   json.RawMessage `json:"metrics,omitempty"` // the run's metrics.json, if any
}

// names lists the run directories (those holding config.json) under the
// runs directory, as slash-separated paths relative to it.
func (rs *runs) names() ([]string, error) {
	if rs.dir == "" {
		return nil, nil
	}
	var out []string
	err := filepath.WalkDir(rs.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(rs.dir, path)
		if rel != "." && strings.Count(filepath.ToSlash(rel), "/") >= maxRunDepth {
			return fs.SkipDir
		}
		if st, err := os.Stat(filepath.Join(path, "config.json")); err == nil && st.Mode().IsRegular() && rel != "." {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("runs directory: %w", err)
	}
	slices.Sort(out)
	return out, nil
}

// path maps a run name to its directory, refusing names that leave the
// runs directory or name no run.
func (rs *runs) path(name string) (string, error) {
	if rs.dir == "" || name == "" || !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", fmt.Errorf("%w %q", errNoRun, name)
	}
	dir := filepath.Join(rs.dir, filepath.FromSlash(name))
	if st, err := os.Stat(filepath.Join(dir, "config.json")); err != nil || !st.Mode().IsRegular() {
		return "", fmt.Errorf("%w %q", errNoRun, name)
	}
	return dir, nil
}

// info describes one run from its config.json (and metrics.json).
func (rs *runs) info(name string) (runInfo, error) {
	dir, err := rs.path(name)
	if err != nil {
		return runInfo{}, err
	}
	c, err := train.LoadConfig(dir)
	if err != nil {
		return runInfo{}, err
	}
	ri := runInfo{
		Name: name, Data: c.Data, Model: c.Model, Objective: c.Objective, Process: c.Process,
		D: process.FormatD(c.D), M: c.M, Dim: c.Dim, Classes: c.Classes, Steps: c.Steps,
	}
	if ri.Objective == "" {
		ri.Objective = train.ObjectivePFGMpp
	}
	if ri.Process == "" {
		ri.Process = pipeline.Poisson
	}
	if c.ImageC > 0 {
		ri.Image = []int{c.ImageC, c.ImageH, c.ImageW}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "metrics.json")); err == nil && json.Valid(b) {
		ri.Metrics = b
	}
	return ri, nil
}

// open returns the loaded run name, loading it on first use and again
// when its weights changed on disk.
func (rs *runs) open(name string) (*pipeline.Run, error) {
	dir, err := rs.path(name)
	if err != nil {
		return nil, err
	}
	stamp := weightsStamp(dir)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if l, ok := rs.loaded[name]; ok && l.stamp.Equal(stamp) {
		return l.run, nil
	}
	r, err := pipeline.OpenRun(dir, rs.maxMemory)
	if err != nil {
		return nil, err
	}
	rs.loaded[name] = loadedRun{run: r, stamp: stamp}
	return r, nil
}

// weightsStamp is the newest modification time among the files a run
// samples from (model.safetensors, checkpoints, config.json).
func weightsStamp(dir string) time.Time {
	var t time.Time
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		n := e.Name()
		if n == "config.json" || strings.HasSuffix(n, ".safetensors") {
			if fi, err := e.Info(); err == nil && fi.ModTime().After(t) {
				t = fi.ModTime()
			}
		}
	}
	return t
}
