package train

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/process"
)

// Limits on what a config may ask for: far beyond any run this toolkit is
// meant for, and small enough that a hand-edited or hostile config.json
// cannot make the trainer allocate without bound.
const (
	maxDim        = 1 << 24 // numbers per example
	maxImageSide  = 1 << 14
	maxImageC     = 4
	maxWidth      = 1 << 16 // MLP hidden and embedding widths
	maxChannels   = 1 << 12 // U-Net channels per level
	maxLevels     = 8       // U-Net resolutions
	maxResBlocks  = 16
	maxClasses    = 1 << 16
	maxParams     = 1 << 27 // network parameters (×5 float32 with Adam and EMA: 2.5 GB)
	maxBatchElems = 1 << 28 // batch × numbers per example
	maxToyCount   = 1 << 24
	maxFieldBatch = 1 << 24
	maxKeep       = 1 << 16
)

// Validate reports the first impossible or contradictory setting of a
// config a run may start from: the data-dependent parts (Dim, the image
// shape, the network's input size) may still be zero.
func (c *Config) Validate() error {
	if !process.ValidD(c.D) {
		return fmt.Errorf("D must be an integer ≥ 1 or inf, got %v", c.D)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case c.Model != "mlp" && c.Model != "unet":
		return fmt.Errorf("model must be mlp or unet, got %q", c.Model)
	case c.Precision != "" && c.Precision != "float32" && c.Precision != "bf16":
		return fmt.Errorf("precision must be float32 or bf16, got %q", c.Precision)
	case c.Steps < 1:
		return fmt.Errorf("steps must be ≥ 1, got %d", c.Steps)
	case c.Batch < 1:
		return fmt.Errorf("batch must be ≥ 1, got %d", c.Batch)
	case !(c.LR > 0) || !finite(c.LR):
		return fmt.Errorf("lr must be positive and finite, got %v", c.LR)
	case c.Warmup < 0:
		return fmt.Errorf("warmup must be ≥ 0, got %d", c.Warmup)
	case !(c.EMA >= 0 && c.EMA < 1):
		return fmt.Errorf("ema must be in [0, 1), got %v", c.EMA)
	case !(c.ClipNorm >= 0) || !finite(c.ClipNorm):
		return fmt.Errorf("clip must be finite and ≥ 0 (0 turns it off), got %v", c.ClipNorm)
	case c.SampleEvery < 0 || c.CheckpointEvery < 0:
		return errors.New("sample-every and checkpoint-every must be ≥ 0")
	case c.KeepCheckpoints < 1 || c.KeepCheckpoints > maxKeep:
		return fmt.Errorf("keep-checkpoints must be in 1…%d, got %d", maxKeep, c.KeepCheckpoints)
	case c.ToyCount < 0 || c.ToyCount > maxToyCount:
		return fmt.Errorf("toy-n must be in 0…%d, got %d", maxToyCount, c.ToyCount)
	case c.Objective != "" && c.Objective != ObjectivePFGMpp && c.Objective != ObjectiveField:
		return fmt.Errorf("objective must be %s or %s, got %q", ObjectivePFGMpp, ObjectiveField, c.Objective)
	case c.Process != "" && c.Process != ProcessPoisson && c.Process != ProcessYukawa:
		return fmt.Errorf("process must be %s or %s, got %q", ProcessPoisson, ProcessYukawa, c.Process)
	case !finite(c.PMean) || !(c.PStd > 0) || !finite(c.PStd) || !(c.SigmaData > 0) || !finite(c.SigmaData):
		return fmt.Errorf("p_mean must be finite and p_std, sigma_data positive and finite, got %v, %v, %v", c.PMean, c.PStd, c.SigmaData)
	case c.DataSHA256 != "" && !isSHA256(c.DataSHA256):
		return fmt.Errorf("data_sha256 must be 64 hex digits, got %q", c.DataSHA256)
	}
	if err := c.validateObjective(); err != nil {
		return err
	}
	if err := c.validateShape(); err != nil {
		return err
	}
	return c.validateNetwork()
}

// validateObjective checks the per-objective settings and rejects those
// that the run's objective and process would ignore.
func (c *Config) validateObjective() error {
	obj, proc := c.objective(), c.process()
	switch {
	case proc == ProcessYukawa && !(c.M > 0 && !math.IsInf(c.M, 0)):
		return fmt.Errorf("the yukawa process needs a mass m > 0, got %v", c.M)
	case proc == ProcessPoisson && c.M != 0:
		return fmt.Errorf("m = %v is the mass of the yukawa process; the poisson process has none (drop m or use process yukawa)", c.M)
	case proc == ProcessYukawa && (math.IsInf(c.D, 0) || c.D > math.MaxInt32):
		return fmt.Errorf("the yukawa process needs a finite integer D, got %s", process.FormatD(c.D))
	case proc == ProcessYukawa && obj == ObjectiveField:
		return errors.New("the pfgm-field objective is for the Poisson process only")
	case (proc == ProcessYukawa || obj == ObjectiveField) && c.Model != "mlp":
		return fmt.Errorf("the %s objective with the %s process needs the mlp model", obj, proc)
	case obj == ObjectiveField && c.D != 1:
		return fmt.Errorf("the %s objective is the original PFGM with D=1, not D=%s", ObjectiveField, process.FormatD(c.D))
	case c.FieldBatch < 0 || c.FieldBatch > maxFieldBatch:
		return fmt.Errorf("field-batch must be in 0…%d (0: %d), got %d", maxFieldBatch, DefaultFieldBatch, c.FieldBatch)
	case c.FieldBatch != 0 && obj != ObjectiveField && proc != ProcessYukawa:
		return fmt.Errorf("field-batch is for the %s objective and the %s process; the %s objective with the %s process has no use for it", ObjectiveField, ProcessYukawa, obj, proc)
	case c.Classic != nil && obj != ObjectiveField:
		return fmt.Errorf("classic holds %s hyper-parameters, but the objective is %s", ObjectiveField, obj)
	case c.Cond && (obj != ObjectivePFGMpp || proc != ProcessPoisson):
		return fmt.Errorf("class-conditional training needs the %s objective with the %s process", ObjectivePFGMpp, ProcessPoisson)
	case c.Classes < 0 || c.Classes > maxClasses:
		return fmt.Errorf("classes must be in 0…%d, got %d", maxClasses, c.Classes)
	case c.Classes > 0 && !c.Cond:
		return fmt.Errorf("classes = %d on a run that is not class-conditional (cond is false)", c.Classes)
	}
	if c.Classic != nil {
		if err := c.Classic.Validate(); err != nil {
			return err
		}
		if c.Dim > 0 && c.Classic.N != c.Dim {
			return fmt.Errorf("pfgm-field: the hyper-parameters are for dimension %d, the data have %d", c.Classic.N, c.Dim)
		}
	}
	return nil
}

// validateShape checks the data shape and the standardisation, each of
// which may still be unset (zero, nil) before the data are loaded.
func (c *Config) validateShape() error {
	switch {
	case c.Dim < 0 || c.Dim > maxDim:
		return fmt.Errorf("dim must be in 1…%d, got %d", maxDim, c.Dim)
	case c.ImageC < 0 || c.ImageC > maxImageC:
		return fmt.Errorf("image_c must be in 1…%d, got %d", maxImageC, c.ImageC)
	case c.ImageH < 0 || c.ImageH > maxImageSide || c.ImageW < 0 || c.ImageW > maxImageSide:
		return fmt.Errorf("image_h and image_w must be in 1…%d, got %d and %d", maxImageSide, c.ImageH, c.ImageW)
	case c.Dim > 0 && c.Batch > maxBatchElems/c.Dim:
		return fmt.Errorf("a batch of %d examples of %d numbers is more than %d numbers", c.Batch, c.Dim, maxBatchElems)
	case c.Dim > 0 && c.FieldBatch > maxBatchElems/c.Dim:
		return fmt.Errorf("a field batch of %d charges of %d numbers is more than %d numbers", c.FieldBatch, c.Dim, maxBatchElems)
	case c.Dim > 0 && c.ImageC > 0 && (c.ImageH == 0 || c.ImageW == 0 || c.ImageC*c.ImageH*c.ImageW != c.Dim):
		return fmt.Errorf("dim %d is not image_c × image_h × image_w = %d×%d×%d", c.Dim, c.ImageC, c.ImageH, c.ImageW)
	case c.Dim > 0 && c.ImageC == 0 && (c.ImageH != 0 || c.ImageW != 0):
		return fmt.Errorf("image_h and image_w are set (%d, %d) but image_c is not", c.ImageH, c.ImageW)
	case c.ImageC > 0 && c.Model == "mlp" && c.Dim > 0:
		return errors.New("the mlp model takes points; image data need the unet model")
	}
	if s := c.Standardize; s != nil {
		if len(s.Mean) != len(s.Std) || (c.Dim > 0 && len(s.Mean) != c.Dim) || len(s.Mean) == 0 {
			return fmt.Errorf("standardize has %d means and %d deviations for dimension %d", len(s.Mean), len(s.Std), c.Dim)
		}
		if c.ImageC > 0 {
			return errors.New("standardize is for points, not images")
		}
		for i := range s.Mean {
			if m, sd := s.Mean[i], s.Std[i]; math.IsNaN(m) || math.IsInf(m, 0) || !(sd > 0) || math.IsInf(sd, 0) {
				return fmt.Errorf("standardize: column %d has mean %v and deviation %v", i, m, sd)
			}
		}
	}
	return nil
}

// validateNetwork checks the architecture against the model, the data
// shape and the parameter limit.
func (c *Config) validateNetwork() error {
	switch {
	case c.Model == "mlp" && c.UNet != nil:
		return errors.New("the mlp model has a unet config")
	case c.Model == "unet" && c.MLP != nil:
		return errors.New("the unet model has an mlp config")
	}
	if m := c.MLP; m != nil {
		switch {
		case m.N < 0 || m.N > maxDim || (c.Dim > 0 && m.N != 0 && m.N != c.Dim):
			return fmt.Errorf("the MLP takes %d inputs but the data have %d", m.N, c.Dim)
		case m.Width < 0 || m.Width > maxWidth:
			return fmt.Errorf("mlp width must be in 1…%d, got %d", maxWidth, m.Width)
		case m.Emb < 0 || m.Emb > maxWidth || (m.Emb != 0 && (m.Emb < 4 || m.Emb%2 != 0)):
			return fmt.Errorf("mlp emb must be even and in 4…%d, got %d", maxWidth, m.Emb)
		case m.Out < 0 || m.Out > maxDim+1 || (c.Dim > 0 && m.Out != 0 && m.Out != c.outDim()):
			return fmt.Errorf("the MLP gives %d outputs, the %s objective with the %s process needs %d", m.Out, c.objective(), c.process(), c.outDim())
		case m.Classes != 0 && m.Classes != c.Classes:
			return fmt.Errorf("the MLP is conditioned on %d classes, the run on %d", m.Classes, c.Classes)
		}
		w, e := float64(max(m.Width, 256)), float64(max(m.Emb, 32))
		n, o := float64(max(m.N, c.Dim)), float64(max(m.Out, c.outDim()))
		if p := (n+e+2*w+o+float64(c.Classes)+5)*w + o; p > maxParams {
			return fmt.Errorf("the MLP would have about %.3g parameters, more than %d", p, maxParams)
		}
	}
	if u := c.UNet; u != nil {
		switch {
		case len(u.Channels) > maxLevels:
			return fmt.Errorf("unet channels: at most %d levels, got %d", maxLevels, len(u.Channels))
		case u.ResBlocks < 0 || u.ResBlocks > maxResBlocks:
			return fmt.Errorf("unet res_blocks must be in 1…%d, got %d", maxResBlocks, u.ResBlocks)
		case u.Emb < 0 || u.Emb > maxWidth:
			return fmt.Errorf("unet emb must be in 1…%d, got %d", maxWidth, u.Emb)
		case u.Classes != 0 && u.Classes != c.Classes:
			return fmt.Errorf("the U-Net is conditioned on %d classes, the run on %d", u.Classes, c.Classes)
		case (u.C != 0 && u.C != c.ImageC) || (u.H != 0 && u.H != c.ImageH) || (u.W != 0 && u.W != c.ImageW):
			return fmt.Errorf("the U-Net is for %d×%d×%d images, the run's are %d×%d×%d", u.C, u.H, u.W, c.ImageC, c.ImageH, c.ImageW)
		}
		for _, ch := range u.Channels {
			if ch < 1 || ch > maxChannels {
				return fmt.Errorf("unet channels must be in 1…%d, got %v", maxChannels, u.Channels)
			}
		}
		for _, ch := range unetNormWidths(u.Channels) {
			// GroupNorm splits them into min(32, C/4) groups (nn.NewGroupNorm).
			if g := min(32, ch/4); g < 1 || ch%g != 0 {
				return fmt.Errorf("unet channels %v: a GroupNorm of %d channels does not split into min(32, %d/4) groups (use multiples of 4, and of 32 above 128)", u.Channels, ch, ch)
			}
		}
		if f := 1 << max(len(u.Channels)-1, 0); c.ImageH > 0 && (c.ImageH%f != 0 || c.ImageW%f != 0) {
			return fmt.Errorf("a %d-level U-Net needs image sides divisible by %d, got %d×%d", len(u.Channels), f, c.ImageH, c.ImageW)
		}
		if p := unetParamBound(*u); p > maxParams {
			return fmt.Errorf("the U-Net would have about %.3g parameters, more than %d", p, maxParams)
		}
	}
	return nil
}

// unetNormWidths are the channel counts the U-Net's GroupNorms see
// (nn.NewUNet): each level's width, and the decoder's first block of each
// level, which takes the level below (or the middle) concatenated with the
// level's skip.
func unetNormWidths(chs []int) []int {
	out := slices.Clone(chs)
	for l := range chs {
		below := chs[len(chs)-1]
		if l+1 < len(chs) {
			below = chs[l+1]
		}
		out = append(out, below+chs[l])
	}
	return out
}

// unetParamBound is an upper bound on a U-Net's parameter count: per level,
// 2·ResBlocks+1 ResBlocks of two 3×3 convolutions of at most twice the
// widest adjacent width in and out, plus embeddings and attention.
func unetParamBound(u nn.UNetConfig) float64 {
	r, e := float64(max(u.ResBlocks, 2)), float64(max(u.Emb, 128))
	p := 4 * e * e
	prev := 0
	for _, ch := range u.Channels {
		w := 2 * float64(max(ch, prev))
		p += (2*r + 2) * (2*9*w*w + w*w + e*w + 4*w)
		prev = ch
	}
	if n := len(u.Channels); n > 0 {
		w := float64(u.Channels[n-1])
		p += 2 * 4 * w * w
	}
	return p
}

// ValidateRun is Validate for a config that describes a run which has
// started: the data shape, the network and the per-objective parameters
// that come from the data are all filled in.
func (c *Config) ValidateRun() error {
	if err := c.Validate(); err != nil {
		return err
	}
	switch {
	case c.Dim < 1:
		return fmt.Errorf("dim must be in 1…%d, got %d", maxDim, c.Dim)
	case c.Model == "mlp" && c.MLP == nil:
		return errors.New("the mlp model has no mlp config")
	case c.Model == "unet" && c.UNet == nil:
		return errors.New("the unet model has no unet config")
	case c.Model == "unet" && c.ImageC == 0:
		return errors.New("the unet model needs image data (image_c, image_h, image_w)")
	case c.objective() == ObjectiveField && c.Classic == nil:
		return fmt.Errorf("the %s objective needs its hyper-parameters (classic)", ObjectiveField)
	case c.Cond && c.Classes < 1:
		return errors.New("a class-conditional run needs classes ≥ 1")
	}
	if m := c.MLP; m != nil && (m.N != c.Dim || m.Out != c.outDim() || m.Classes != c.Classes) {
		return fmt.Errorf("mlp config %+v does not fit %d inputs, %d outputs and %d classes", *m, c.Dim, c.outDim(), c.Classes)
	}
	if u := c.UNet; u != nil && (len(u.Channels) < 1 || u.ResBlocks < 1 || u.Emb < 1 || u.C != c.ImageC || u.H != c.ImageH || u.W != c.ImageW || u.Classes != c.Classes) {
		return fmt.Errorf("unet config %+v does not fit %d×%d×%d images and %d classes", *u, c.ImageC, c.ImageH, c.ImageW, c.Classes)
	}
	return nil
}

func isSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}
