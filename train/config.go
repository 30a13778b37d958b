package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/classic"
	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/process"
)

// Config is everything needed to rebuild a run's model, process and data
// pipeline. It is saved as config.json in the run directory (snake_case
// keys; see MarshalJSON).
//
// The settings that only some objectives or processes use are grouped in
// embedded structs named after their users; their fields are promoted (c.M,
// c.FieldBatch, …) and their JSON keys sit at the top level of config.json.
type Config struct {
	// Data is toy:NAME, a CSV/NPY file, mnist, fashion-mnist or a PNG
	// folder. A run stores a file or folder as an absolute path.
	Data string `json:"data"`
	// DataSHA256 fingerprints the training data as loaded (Fingerprint),
	// filled in when the run starts; a resume refuses changed data.
	DataSHA256 string `json:"data_sha256,omitempty"`
	Model      string `json:"model"` // mlp or unet
	// D is the number of augmented dimensions; +Inf (saved as "inf") is diffusion.
	D float64 `json:"-"`

	// Objective is "pfgm++" (the denoising objective of PFGM++, DESIGN §3.6,
	// the default) or "pfgm-field" (the original PFGM's normalised field,
	// §3.7). Process is "poisson" (default) or "yukawa" (§3.8).
	Objective string `json:"objective,omitempty"`
	Process   string `json:"process,omitempty"`

	EDM          // pfgm++ and yukawa: noise distribution and preconditioning
	Conditional  // pfgm++ with the poisson process: class labels
	ExactTargets // pfgm-field and yukawa: targets from a batch of charges
	PFGMField    // pfgm-field: its hyper-parameters
	Yukawa       // yukawa: the mass

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
	// Precision of the training step's matrix products: "" or "float32",
	// or "bf16" (inputs rounded to bfloat16, float32 sums, through
	// gemm.SgemmBF16; weights, gradients and Adam's moments stay float32).
	Precision string `json:"precision,omitempty"`

	// Data shape: points have Dim numbers; images have C×H×W (Dim = C·H·W).
	// Dim 0 means "from the data" (filled in when the run starts).
	Dim      int `json:"dim"`
	ImageC   int `json:"image_c,omitempty"`
	ImageH   int `json:"image_h,omitempty"`
	ImageW   int `json:"image_w,omitempty"`
	ToyCount int `json:"toy_count,omitempty"` // points drawn for a toy:NAME set

	// Standardize maps points to zero mean and unit variance; samples are
	// mapped back with it.
	Standardize *data.Standardizer `json:"standardize,omitempty"`

	// The network: MLP for model mlp, UNet for unet (nil: the default
	// architecture for the data shape).
	MLP  *nn.MLPConfig  `json:"-"`
	UNet *nn.UNetConfig `json:"-"`
}

// EDM holds the EDM noise distribution and preconditioning (DESIGN §3.6),
// used by the pfgm++ objective and the yukawa process.
type EDM struct {
	PMean     float64 `json:"p_mean"`
	PStd      float64 `json:"p_std"`
	SigmaData float64 `json:"sigma_data"`
}

// Conditional asks for class-conditional training (pfgm++ objective,
// poisson process); Classes is then the number of labels in the data,
// filled in when the run starts.
type Conditional struct {
	Cond    bool `json:"cond,omitempty"`
	Classes int  `json:"classes,omitempty"`
}

// ExactTargets is for the objectives whose targets are the exact field of a
// large batch of charges (pfgm-field, and the yukawa process, whose sampler
// also keeps that many charges for its prior): FieldBatch is how many
// (0: DefaultFieldBatch).
type ExactTargets struct {
	FieldBatch int `json:"field_batch,omitempty"`
}

// PFGMField holds the pfgm-field hyper-parameters (M, z_max, upper, …),
// computed from the data when the run starts.
type PFGMField struct {
	Classic *classic.Params `json:"classic,omitempty"`
}

// Yukawa holds the mass m of the yukawa process (DESIGN §3.8).
type Yukawa struct {
	M float64 `json:"m,omitempty"`
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
		EDM:      EDM{PMean: -1.2, PStd: 1.2, SigmaData: 0.5},
		ToyCount: 20000,
	}
}

// Poisson returns the run's PFGM++ perturbation process (its D).
func (c *Config) Poisson() (process.Poisson, error) { return process.New(c.D) }

// MarshalJSON writes D as an integer string or "inf" and the network
// configs with snake_case keys.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config // drops the methods, so no recursion
	return json.Marshal(struct {
		plain
		D    string    `json:"d"`
		MLP  *mlpJSON  `json:"mlp,omitempty"`
		UNet *unetJSON `json:"unet,omitempty"`
	}{plain(c), process.FormatD(c.D), toMLPJSON(c.MLP), toUNetJSON(c.UNet)})
}

// UnmarshalJSON reads what MarshalJSON writes, and the config.json of
// earlier versions ("D", "Width", "ResBlocks", … keys).
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	var v struct {
		plain
		D    string       `json:"d"` // matches "D" too: keys match case-insensitively
		MLP  *mlpJSON     `json:"mlp"`
		UNet *unetWireOld `json:"unet"`
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
	c.MLP, c.UNet = v.MLP.config(), v.UNet.config()
	return nil
}

// mlpJSON is nn.MLPConfig in config.json. Keys match case-insensitively,
// so the "N", "Width", … of earlier versions read too.
type mlpJSON struct {
	N       int `json:"n"`
	Width   int `json:"width"`
	Emb     int `json:"emb"`
	Out     int `json:"out"`
	Classes int `json:"classes,omitempty"`
}

func toMLPJSON(m *nn.MLPConfig) *mlpJSON {
	if m == nil {
		return nil
	}
	return &mlpJSON{N: m.N, Width: m.Width, Emb: m.Emb, Out: m.Out, Classes: m.Classes}
}

func (m *mlpJSON) config() *nn.MLPConfig {
	if m == nil {
		return nil
	}
	return &nn.MLPConfig{N: m.N, Width: m.Width, Emb: m.Emb, Out: m.Out, Classes: m.Classes}
}

// unetJSON is nn.UNetConfig in config.json.
type unetJSON struct {
	C            int   `json:"c"`
	H            int   `json:"h"`
	W            int   `json:"w"`
	Channels     []int `json:"channels"`
	ResBlocks    int   `json:"res_blocks"`
	AttnAtLowest bool  `json:"attn_at_lowest"`
	Emb          int   `json:"emb"`
	Classes      int   `json:"classes,omitempty"`
}

// unetWireOld also reads the CamelCase keys of earlier versions that differ
// from the snake_case ones by more than case.
type unetWireOld struct {
	unetJSON
	OldResBlocks    *int  `json:"ResBlocks"`
	OldAttnAtLowest *bool `json:"AttnAtLowest"`
}

func toUNetJSON(u *nn.UNetConfig) *unetJSON {
	if u == nil {
		return nil
	}
	return &unetJSON{C: u.C, H: u.H, W: u.W, Channels: append([]int(nil), u.Channels...),
		ResBlocks: u.ResBlocks, AttnAtLowest: u.AttnAtLowest, Emb: u.Emb, Classes: u.Classes}
}

func (u *unetWireOld) config() *nn.UNetConfig {
	if u == nil {
		return nil
	}
	if u.OldResBlocks != nil {
		u.ResBlocks = *u.OldResBlocks
	}
	if u.OldAttnAtLowest != nil {
		u.AttnAtLowest = *u.OldAttnAtLowest
	}
	return &nn.UNetConfig{C: u.C, H: u.H, W: u.W, Channels: u.Channels,
		ResBlocks: u.ResBlocks, AttnAtLowest: u.AttnAtLowest, Emb: u.Emb, Classes: u.Classes}
}

const configFile = "config.json"

// SaveConfig writes dir/config.json atomically.
func SaveConfig(dir string, c *Config) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return atomicfile.WriteFile(filepath.Join(dir, configFile), append(b, '\n'))
}

// maxConfigBytes bounds the config.json read: a real one is a few KB.
const maxConfigBytes = 1 << 20

// LoadConfig reads dir/config.json and checks that it describes a complete,
// consistent run (ValidateRun).
func LoadConfig(dir string) (*Config, error) {
	path := filepath.Join(dir, configFile)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a run directory (no %s)", dir, configFile)
		}
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > maxConfigBytes {
		return nil, fmt.Errorf("%s: not a regular file of at most %d bytes", path, maxConfigBytes)
	}
	b := make([]byte, st.Size())
	if _, err := f.ReadAt(b, 0); err != nil && st.Size() > 0 {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig decodes a config.json and checks it with ValidateRun.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	if err := c.ValidateRun(); err != nil {
		return nil, err
	}
	return &c, nil
}
