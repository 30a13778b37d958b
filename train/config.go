package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/classic"
	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/process"
)

// Config is everything needed to rebuild a run's model, process and data
// pipeline. It is saved as config.json in the run directory.
type Config struct {
	Data  string `json:"data"`  // toy:NAME, a CSV/NPY file, mnist, fashion-mnist or a PNG folder
	Model string `json:"model"` // mlp or unet
	// D is the number of augmented dimensions; +Inf (saved as "inf") is diffusion.
	D float64 `json:"-"`

	// Objective is "pfgm++" (the denoising objective of PFGM++, DESIGN §3.6,
	// the default) or "pfgm-field" (the original PFGM's normalised field,
	// §3.7). Process is "poisson" (default) or "yukawa" with mass M (§3.8).
	Objective string  `json:"objective,omitempty"`
	Process   string  `json:"process,omitempty"`
	M         float64 `json:"m,omitempty"`
	// FieldBatch is how many charges the pfgm-field target is computed against.
	FieldBatch int `json:"field_batch,omitempty"`
	// Classic holds the pfgm-field hyper-parameters (M, z_max, upper, …),
	// computed from the data when the run starts.
	Classic *classic.Params `json:"classic,omitempty"`

	// Cond asks for class-conditional training; Classes is then the number
	// of labels in the data.
	Cond    bool `json:"cond,omitempty"`
	Classes int  `json:"classes,omitempty"`

	Steps           int     `json:"steps"`
	Batch           int     `json:"batch"`
	LR              float64 `json:"lr"`
	Warmup          int     `json:"warmup"`
	EMA             float64 `json:"ema"`
	ClipNorm        float64 `json:"clip_norm"`
	Seed            uint64  `json:"seed"`
	SampleEvery     int     `json:"sample_every"`
	CheckpointEvery int     `json:"checkpoint_every"`
	KeepCheckpoints int     `json:"keep_checkpoints"`

	// The EDM noise distribution and preconditioning (DESIGN §3.6).
	PMean     float64 `json:"p_mean"`
	PStd      float64 `json:"p_std"`
	SigmaData float64 `json:"sigma_data"`

	// Data shape: points have Dim numbers; images have C×H×W (Dim = C·H·W).
	Dim      int `json:"dim"`
	ImageC   int `json:"image_c,omitempty"`
	ImageH   int `json:"image_h,omitempty"`
	ImageW   int `json:"image_w,omitempty"`
	ToyCount int `json:"toy_count,omitempty"` // points drawn for a toy:NAME set

	// Standardize maps points to zero mean and unit variance; samples are
	// mapped back with it.
	Standardize *data.Standardizer `json:"standardize,omitempty"`

	MLP  *nn.MLPConfig  `json:"mlp,omitempty"`
	UNet *nn.UNetConfig `json:"unet,omitempty"`
}

// Objectives and processes a run can use.
const (
	ObjectivePFGMpp = "pfgm++"
	ObjectiveField  = "pfgm-field"
	ProcessPoisson  = "poisson"
	ProcessYukawa   = "yukawa"
)

// objective and process return the run's choices with defaults filled in.
func (c *Config) objective() string {
	if c.Objective == "" {
		return ObjectivePFGMpp
	}
	return c.Objective
}

func (c *Config) process() string {
	if c.Process == "" {
		return ProcessPoisson
	}
	return c.Process
}

// outDim is how many numbers the network produces per example: the denoiser
// gives Dim; the PFGM field and the Yukawa model (with its death-rate head)
// one more.
func (c *Config) outDim() int {
	if c.objective() == ObjectiveField || c.process() == ProcessYukawa {
		return c.Dim + 1
	}
	return c.Dim
}

// DefaultConfig holds the defaults of `pfgm train`.
func DefaultConfig() Config {
	return Config{
		Model: "mlp", D: 128,
		Steps: 5000, Batch: 256, LR: 1e-3, Warmup: 200, EMA: 0.999, ClipNorm: 1,
		Seed: 1, SampleEvery: 0, CheckpointEvery: 1000, KeepCheckpoints: 3,
		PMean: -1.2, PStd: 1.2, SigmaData: 0.5, ToyCount: 20000,
	}
}

// Poisson returns the run's PFGM++ perturbation process (its D).
func (c *Config) Poisson() (process.Poisson, error) { return process.New(c.D) }

// Validate reports the first impossible setting.
func (c *Config) Validate() error {
	if !process.ValidD(c.D) {
		return fmt.Errorf("D must be an integer ≥ 1 or inf, got %v", c.D)
	}
	switch {
	case c.Model != "mlp" && c.Model != "unet":
		return fmt.Errorf("model must be mlp or unet, got %q", c.Model)
	case c.Steps < 1:
		return fmt.Errorf("steps must be ≥ 1, got %d", c.Steps)
	case c.Batch < 1:
		return fmt.Errorf("batch must be ≥ 1, got %d", c.Batch)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("lr must be positive, got %v", c.LR)
	case c.Warmup < 0:
		return fmt.Errorf("warmup must be ≥ 0, got %d", c.Warmup)
	case !(c.EMA >= 0 && c.EMA < 1):
		return fmt.Errorf("ema must be in [0, 1), got %v", c.EMA)
	case !(c.ClipNorm >= 0):
		return fmt.Errorf("clip must be ≥ 0 (0 turns it off), got %v", c.ClipNorm)
	case c.SampleEvery < 0 || c.CheckpointEvery < 0:
		return errors.New("sample-every and checkpoint-every must be ≥ 0")
	case c.KeepCheckpoints < 1:
		return fmt.Errorf("keep-checkpoints must be ≥ 1, got %d", c.KeepCheckpoints)
	case c.Objective != "" && c.Objective != ObjectivePFGMpp && c.Objective != ObjectiveField:
		return fmt.Errorf("objective must be %s or %s, got %q", ObjectivePFGMpp, ObjectiveField, c.Objective)
	case c.Process != "" && c.Process != ProcessPoisson && c.Process != ProcessYukawa:
		return fmt.Errorf("process must be %s or %s, got %q", ProcessPoisson, ProcessYukawa, c.Process)
	case c.Process == ProcessYukawa && !(c.M > 0 && !math.IsInf(c.M, 0)):
		return fmt.Errorf("the yukawa process needs a mass m > 0, got %v", c.M)
	case c.Process == ProcessYukawa && c.Objective == ObjectiveField:
		return errors.New("the pfgm-field objective is for the Poisson process only")
	case c.Cond && (c.objective() != ObjectivePFGMpp || c.process() != ProcessPoisson):
		return fmt.Errorf("class-conditional training needs the %s objective with the %s process", ObjectivePFGMpp, ProcessPoisson)
	case !(c.PStd > 0) || !(c.SigmaData > 0):
		return errors.New("p_std and sigma_data must be positive")
	}
	return nil
}

// MarshalJSON writes D as an integer string or "inf".
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config // drops the methods, so no recursion
	return json.Marshal(struct {
		plain
		D string `json:"D"`
	}{plain(c), process.FormatD(c.D)})
}

// UnmarshalJSON reads D back from its string form.
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	var v struct {
		plain
		D string `json:"D"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	D, err := process.ParseD(v.D)
	if err != nil {
		return err
	}
	*c = Config(v.plain)
	c.D = D
	return nil
}

const configFile = "config.json"

// SaveConfig writes dir/config.json atomically.
func SaveConfig(dir string, c *Config) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, configFile), append(b, '\n'))
}

// LoadConfig reads and validates dir/config.json.
func LoadConfig(dir string) (*Config, error) {
	b, err := os.ReadFile(filepath.Join(dir, configFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a run directory (no %s)", dir, configFile)
		}
		return nil, err
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, configFile), err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, configFile), err)
	}
	return &c, nil
}
