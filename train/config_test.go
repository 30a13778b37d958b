package train

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/classic"
	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/nn"
)

// completeMLP is a complete run config on points, as a run saves it.
func completeMLP() Config {
	c := DefaultConfig()
	c.Data, c.Dim, c.D = "toy:moons", 2, 16
	c.Standardize = &data.Standardizer{Mean: []float64{0.5, 0.25}, Std: []float64{0.9, 0.5}}
	c.MLP = &nn.MLPConfig{N: 2, Width: 64, Emb: 32, Out: 2}
	return c
}

// completeUNet is a complete class-conditional U-Net config.
func completeUNet() Config {
	c := DefaultConfig()
	c.Data, c.Model, c.D, c.Batch = "mnist", "unet", 128, 64
	c.Dim, c.ImageC, c.ImageH, c.ImageW = 784, 1, 28, 28
	c.Cond, c.Classes = true, 10
	c.UNet = &nn.UNetConfig{C: 1, H: 28, W: 28, Channels: []int{32, 64, 64}, ResBlocks: 2, AttnAtLowest: true, Emb: 128, Classes: 10}
	return c
}

var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// checkKeys fails for every key of the JSON object v (recursively) that is
// not snake_case.
func checkKeys(t *testing.T, v any, at string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if !snakeKey.MatchString(k) {
				t.Errorf("key %q at %s is not snake_case", k, at)
			}
			checkKeys(t, x, at+"."+k)
		}
	case []any:
		for _, x := range v {
			checkKeys(t, x, at+"[]")
		}
	}
}

// config.json has snake_case keys at every level and reads back equal.
func TestConfigJSONIsSnakeCaseAndRoundTrips(t *testing.T) {
	field := completeMLP()
	field.Objective, field.D, field.FieldBatch = ObjectiveField, 1, 512
	p, _ := classic.NewParams(2, 1.4)
	field.Classic = &p
	field.MLP.Out = 3
	yuk := completeMLP()
	yuk.Process, yuk.M, yuk.FieldBatch, yuk.D = ProcessYukawa, 1, 1024, 1
	yuk.MLP.Out = 3
	yuk.DataSHA256 = strings.Repeat("ab", 32)
	for _, c := range []Config{completeMLP(), completeUNet(), field, yuk} {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var raw any
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		checkKeys(t, raw, "config")
		back, err := ParseConfig(b)
		if err != nil {
			t.Fatalf("%s: reading back: %v", b, err)
		}
		b2, _ := json.Marshal(back)
		if string(b) != string(b2) {
			t.Errorf("round trip changed the config:\n%s\n%s", b, b2)
		}
	}
}

// The config.json of earlier versions (CamelCase network keys, "D") reads.
func TestOldConfigReads(t *testing.T) {
	old := `{"data":"mnist","model":"unet","cond":true,"classes":10,"steps":100,"batch":64,"lr":0.0002,
	"warmup":0,"ema":0.999,"clip_norm":1,"seed":1,"sample_every":0,"checkpoint_every":1000,"keep_checkpoints":3,
	"p_mean":-1.2,"p_std":1.2,"sigma_data":0.5,"dim":784,"image_c":1,"image_h":28,"image_w":28,
	"unet":{"C":1,"H":28,"W":28,"Channels":[16,32],"ResBlocks":1,"AttnAtLowest":true,"Emb":64,"Classes":10},"D":"inf"}`
	c, err := ParseConfig([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	u := c.UNet
	if !math.IsInf(c.D, 1) || u == nil || u.ResBlocks != 1 || !u.AttnAtLowest || u.Emb != 64 || len(u.Channels) != 2 || u.Channels[1] != 32 || u.Classes != 10 || u.H != 28 {
		t.Errorf("old U-Net config read as D=%v %+v", c.D, u)
	}
	oldMLP := `{"data":"toy:moons","model":"mlp","steps":10,"batch":8,"lr":0.001,"warmup":0,"ema":0.9,"clip_norm":1,
	"seed":1,"sample_every":0,"checkpoint_every":0,"keep_checkpoints":3,"p_mean":-1.2,"p_std":1.2,"sigma_data":0.5,
	"dim":2,"mlp":{"N":2,"Width":64,"Emb":32,"Out":2},"D":"128"}`
	c, err = ParseConfig([]byte(oldMLP))
	if err != nil {
		t.Fatal(err)
	}
	if c.D != 128 || *c.MLP != (nn.MLPConfig{N: 2, Width: 64, Emb: 32, Out: 2}) {
		t.Errorf("old MLP config read as D=%v %+v", c.D, *c.MLP)
	}
}

// Each broken or contradictory config.json is one line of error naming
// the problem, never a panic.
func TestBadConfigJSONIsRejected(t *testing.T) {
	base, err := json.Marshal(completeMLP())
	if err != nil {
		t.Fatal(err)
	}
	ubase, _ := json.Marshal(completeUNet())
	edit := func(b []byte, from, to string) string {
		s := string(b)
		if !strings.Contains(s, from) {
			t.Fatalf("%q not in %s", from, s)
		}
		return strings.Replace(s, from, to, 1)
	}
	for _, tc := range []struct{ json, want string }{
		{edit(base, `"width":64`, `"width":-3`), "width"},
		{edit(base, `"width":64`, `"width":100000000`), "width"},
		{edit(base, `"width":64`, `"width":60000`), "parameters"},
		{edit(ubase, `"channels":[32,64,64]`, `"channels":[1000000,8]`), "channels"},
		{edit(ubase, `"channels":[32,64,64]`, `"channels":[-1,8]`), "channels"},
		{edit(ubase, `"channels":[32,64,64]`, `"channels":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]`), "levels"},
		{edit(ubase, `"channels":[32,64,64]`, `"channels":[8,8,8,8]`), "divisible"},
		{edit(ubase, `"channels":[32,64,64]`, `"channels":[2,8]`), "groups"},
		{edit(ubase, `"channels":[32,64,64]`, `"channels":[36,136]`), "groups"},
		{edit(ubase, `"res_blocks":2`, `"res_blocks":-1`), "res_blocks"},
		{edit(base, `"model":"mlp"`, `"model":"transformer"`), "model"},
		{edit(base, `"model":"mlp"`, `"objective":"score","model":"mlp"`), "objective"},
		{edit(base, `"model":"mlp"`, `"process":"heat","model":"mlp"`), "process"},
		{edit(base, `"model":"mlp"`, `"process":"yukawa","m":1,"objective":"pfgm-field","model":"mlp"`), "Poisson process only"},
		{edit(base, `"model":"mlp"`, `"process":"yukawa","m":1,"model":"mlp"`), "outputs"},
		{edit(base, `"model":"mlp"`, `"process":"yukawa","model":"mlp"`), "mass"},
		{edit(base, `"model":"mlp"`, `"m":1,"model":"mlp"`), "yukawa"},
		{edit(base, `"d":"16"`, `"d":"0"`), "D must be"},
		{edit(base, `"d":"16"`, `"d":"NaN"`), "D"},
		{edit(base, `"d":"16"`, `"d":"1e400"`), "D"},
		{edit(base, `"dim":2`, `"dim":-2`), "dim"},
		{edit(base, `"dim":2`, `"dim":3`), "3"},
		{edit(base, `"lr":0.001`, `"lr":1e999`), "lr"},
		{edit(base, `"lr":0.001`, `"lr":-1`), "lr"},
		{edit(base, `"std":[0.9,0.5]`, `"std":[0.9,0]`), "standardize"},
		{edit(base, `"std":[0.9,0.5]`, `"std":[0.9]`), "standardize"},
		{edit(base, `"batch":256`, `"batch":1000000000`), "batch"},
		{edit(base, `"batch":256`, `"batch":1e3`), "batch"},
		{edit(base, `"model":"mlp"`, `"field_batch":100,"model":"mlp"`), "field-batch"},
		{edit(base, `"model":"mlp"`, `"classes":3,"model":"mlp"`), "classes"},
		{edit(base, `"model":"mlp"`, `"data_sha256":"xyz","model":"mlp"`), "data_sha256"},
		{edit(ubase, `"model":"unet"`, `"model":"mlp"`), "mlp"},
		{`[]`, "cannot unmarshal"},
		{``, "unexpected end"},
		{`{"d":"16"}`, "model"},
	} {
		c, err := ParseConfig([]byte(tc.json))
		if err == nil {
			t.Errorf("accepted %s as %+v", tc.json, c)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: got %q, want one line containing %q", tc.json, err, tc.want)
		}
	}
}

// Settings the run's objective or process would ignore are contradictions.
func TestContradictoryConfigs(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"m with poisson", func(c *Config) { c.M = 1 }, "poisson process has none"},
		{"field batch with pfgm++", func(c *Config) { c.FieldBatch = 64 }, "field-batch"},
		{"classic with pfgm++", func(c *Config) { p, _ := classic.NewParams(2, 1); c.Classic = &p }, "classic"},
		{"pfgm-field with D 16", func(c *Config) { c.Objective = ObjectiveField }, "D=1"},
		{"yukawa with D inf", func(c *Config) { c.Process, c.M, c.D = ProcessYukawa, 1, math.Inf(1) }, "finite integer D"},
		{"yukawa with unet", func(c *Config) { c.Process, c.M, c.Model, c.MLP = ProcessYukawa, 1, "unet", nil }, "mlp model"},
		{"clip inf", func(c *Config) { c.ClipNorm = math.Inf(1) }, "clip"},
		{"cond with yukawa", func(c *Config) { c.Process, c.M, c.Cond = ProcessYukawa, 1, true }, "class-conditional"},
		{"unet config on mlp", func(c *Config) { c.UNet = &nn.UNetConfig{} }, "unet config"},
	} {
		c := tinyConfig(16, 5)
		tc.edit(c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
		if _, err := Train(context.Background(), c, Options{Dir: t.TempDir()}); err == nil {
			t.Errorf("%s: Train accepted it", tc.name)
		}
	}
}

// FuzzLoadConfig: any bytes parse to a valid config or a one-line error,
// never a panic; a config that parses writes and reads back the same, and
// (when small) builds its network.
func FuzzLoadConfig(f *testing.F) {
	for _, c := range []Config{completeMLP(), completeUNet()} {
		b, _ := json.Marshal(c)
		f.Add(b)
	}
	f.Add([]byte(`{"d":"inf","model":"mlp","dim":3,"mlp":{"Width":8}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("a valid config does not marshal: %v", err)
		}
		back, err := ParseConfig(out)
		if err != nil {
			t.Fatalf("a valid config does not read back: %v\n%s", err, out)
		}
		if out2, _ := json.Marshal(back); string(out2) != string(out) {
			t.Fatalf("round trip changed the config:\n%s\n%s", out, out2)
		}
		if small(c) {
			if _, err := BuildModel(*c, rand.New(rand.NewPCG(1, 1))); err != nil {
				t.Fatalf("a valid config does not build: %v", err)
			}
		}
	})
}

// small tells whether c's network is cheap enough to build in a fuzz run.
func small(c *Config) bool {
	if m := c.MLP; m != nil {
		return m.Width <= 256 && c.Dim <= 64 && m.Emb <= 64 && c.Classes <= 16
	}
	u := c.UNet
	for _, ch := range u.Channels {
		if ch > 16 {
			return false
		}
	}
	return u.Emb <= 32 && u.ResBlocks <= 2 && c.ImageH <= 16 && c.ImageW <= 16 && len(u.Channels) <= 3 && c.Classes <= 16
}

// FuzzValidateBuild: a config of arbitrary network sizes that Validate
// accepts must build (WithArchitecture, then BuildModel) without error or
// panic — validation may not let through what the network constructors
// refuse. Sizes are kept small so that every accepted config is built.
func FuzzValidateBuild(f *testing.F) {
	f.Add(true, uint8(0), uint8(2), uint8(64), uint8(32), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0))
	f.Add(false, uint8(1), uint8(8), uint8(0), uint8(16), uint8(4), uint8(8), uint8(2), uint8(1), uint8(1), uint8(2))
	f.Fuzz(func(t *testing.T, mlp bool, kind, side, width, emb, ch0, ch1, levels, resBlocks, imageC, classes uint8) {
		c := DefaultConfig()
		c.Data, c.Batch = "test", 4
		switch kind % 4 { // objective and process
		case 1:
			c.Objective, c.D = ObjectiveField, 1
			p, _ := classic.NewParams(int(side)%16+1, 1)
			c.Classic = &p
		case 2:
			c.Process, c.M, c.D = ProcessYukawa, 1, 1
		case 3:
			c.Cond, c.Classes = true, int(classes%5)+1
		}
		if mlp {
			c.Dim = int(side)%16 + 1
			c.MLP = &nn.MLPConfig{Width: int(width), Emb: int(emb) % 40}
		} else {
			c.Model = "unet"
			c.ImageC, c.ImageH, c.ImageW = int(imageC)%5, int(side)%17, int(side)%17
			c.Dim = c.ImageC * c.ImageH * c.ImageW
			chs := []int{int(ch0) % 40, int(ch1) % 40, int(ch1) % 40}[:int(levels)%4]
			c.UNet = &nn.UNetConfig{Channels: chs, ResBlocks: int(resBlocks) % 3, Emb: int(emb) % 40, AttnAtLowest: width%2 == 1}
		}
		if c.Validate() != nil {
			return
		}
		full, err := c.WithArchitecture()
		if err != nil || full.ValidateRun() != nil {
			return
		}
		if _, err := BuildModel(full, rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Fatalf("validated config %+v (network %+v %+v) does not build: %v", full, full.MLP, full.UNet, err)
		}
	})
}
