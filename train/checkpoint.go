package train

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/safetensors"
)

// A checkpoint holds everything a resume needs to continue bit for bit: the
// weights ("param.<name>"), Adam's moments ("adam.*"), the EMA ("ema.*"), and
// in the metadata the step, the training stream's RNG state and the config.
const (
	paramPrefix   = "param."
	ckptPrefix    = "ckpt-"
	ckptExt       = ".safetensors"
	finalModel    = "model.safetensors"
	metaStep      = "step"
	metaRNG       = "rng"
	metaConfig    = "config"
	metaWeightsOf = "weights" // "ema" in model.safetensors
)

func checkpointName(step int) string { return fmt.Sprintf("%s%08d%s", ckptPrefix, step, ckptExt) }

// paramTensors copies a model's weights under "param.<name>".
func paramTensors(m nn.Model) map[string]safetensors.Tensor {
	out := map[string]safetensors.Tensor{}
	for _, p := range m.Params() {
		out[paramPrefix+p.Name] = safetensors.Tensor{Shape: append([]int(nil), p.Shape...), Data: append([]float32(nil), p.Data...)}
	}
	return out
}

// loadParams copies "param.<name>" tensors into m, checking names and shapes.
func loadParams(m nn.Model, st map[string]safetensors.Tensor, file string) error {
	ps := m.Params()
	for _, p := range ps {
		v, ok := st[paramPrefix+p.Name]
		if !ok {
			return fmt.Errorf("%s: no weights for parameter %s", file, p.Name)
		}
		if !slices.Equal(v.Shape, p.Shape) {
			return fmt.Errorf("%s: parameter %s has shape %v, the model wants %v", file, p.Name, v.Shape, p.Shape)
		}
	}
	n := 0
	for k := range st {
		if strings.HasPrefix(k, paramPrefix) {
			n++
		}
	}
	if n != len(ps) {
		return fmt.Errorf("%s: holds %d parameters, the model has %d", file, n, len(ps))
	}
	for _, p := range ps {
		copy(p.Data, st[paramPrefix+p.Name].Data)
	}
	return nil
}

// saveCheckpoint writes dir/ckpt-STEP.safetensors atomically and removes the
// oldest ones beyond c.KeepCheckpoints.
func (t *Trainer) saveCheckpoint(dir string) error {
	st := paramTensors(t.Model)
	maps.Copy(st, t.adam.State())
	maps.Copy(st, t.ema.State())
	rng, err := t.pcg.MarshalBinary()
	if err != nil {
		return err
	}
	cfg, err := json.Marshal(t.Config)
	if err != nil {
		return err
	}
	meta := map[string]string{
		metaStep:   strconv.Itoa(t.step),
		metaRNG:    base64.StdEncoding.EncodeToString(rng),
		metaConfig: string(cfg),
	}
	if err := safetensors.Write(filepath.Join(dir, checkpointName(t.step)), st, meta); err != nil {
		return fmt.Errorf("writing checkpoint: %w", err)
	}
	ckpts, err := listCheckpoints(dir)
	if err != nil {
		return err
	}
	for len(ckpts) > t.Config.KeepCheckpoints {
		if err := os.Remove(filepath.Join(dir, checkpointName(ckpts[0]))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("pruning checkpoints: %w", err)
		}
		ckpts = ckpts[1:]
	}
	return nil
}

// listCheckpoints returns the steps of dir's checkpoints, oldest first.
func listCheckpoints(dir string) ([]int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var steps []int
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, ckptPrefix) || !strings.HasSuffix(name, ckptExt) {
			continue
		}
		// Only the names checkpointName writes: pruning deletes by these
		// steps, and must never touch a file the run did not write.
		s, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, ckptPrefix), ckptExt))
		if err == nil && s >= 0 && name == checkpointName(s) && e.Type().IsRegular() {
			steps = append(steps, s)
		}
	}
	sort.Ints(steps)
	return steps, nil
}

// loadCheckpoint restores t from a checkpoint file.
func (t *Trainer) loadCheckpoint(path string) error {
	st, meta, err := safetensors.Read(path)
	if err != nil {
		if !strings.Contains(err.Error(), path) {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return err
	}
	step, err := strconv.Atoi(meta[metaStep])
	if err != nil || step < 0 {
		return fmt.Errorf("%s: no valid step in the metadata", path)
	}
	rng, err := base64.StdEncoding.DecodeString(meta[metaRNG])
	if err != nil || len(rng) == 0 {
		return fmt.Errorf("%s: no valid RNG state in the metadata", path)
	}
	if err := loadParams(t.Model, st, path); err != nil {
		return err
	}
	if err := t.adam.LoadState(st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := t.ema.LoadState(st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := t.pcg.UnmarshalBinary(rng); err != nil {
		return fmt.Errorf("%s: RNG state: %w", path, err)
	}
	t.step = step
	return nil
}

// saveModel writes the EMA weights as dir/model.safetensors: what sampling uses.
func (t *Trainer) saveModel(dir string) error {
	st := map[string]safetensors.Tensor{}
	for _, p := range t.ema.Shadow() {
		st[paramPrefix+p.Name] = safetensors.Tensor{Shape: p.Shape, Data: p.Data}
	}
	cfg, err := json.Marshal(t.Config)
	if err != nil {
		return err
	}
	meta := map[string]string{metaStep: strconv.Itoa(t.step), metaWeightsOf: "ema", metaConfig: string(cfg)}
	return safetensors.Write(filepath.Join(dir, finalModel), st, meta)
}
