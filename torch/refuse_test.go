package torch

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/train"
)

// TestTwinRefusesPfgmOnly checks that the twin refuses, with one line and a
// non-zero exit, the objectives that stay pfgm-only.
func TestTwinRefusesPfgmOnly(t *testing.T) {
	t.Parallel()
	needTorch(t)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		set  func(*train.Config)
		want string
	}{
		{"yukawa", func(c *train.Config) { c.Process, c.M = train.ProcessYukawa, 1 }, "process 'yukawa'"},
		{"pfgm-field", func(c *train.Config) { c.Objective, c.D = train.ObjectiveField, 1 }, "objective 'pfgm-field'"},
	} {
		dir := t.TempDir()
		c := moonsConfig(10)
		c.Dim = 2
		tc.set(&c)
		if err := train.SaveConfig(dir, &c); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(python, "-m", "pfgm_torch.train", "--config", filepath.Join(dir, "config.json"), "--out", filepath.Join(dir, "out"))
		cmd.Env = append(os.Environ(), "PYTHONPATH="+wd)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		msg := strings.TrimSpace(stderr.String())
		if err == nil || !strings.Contains(msg, tc.want) || !strings.Contains(msg, "pfgm-only") || strings.Contains(msg, "\n") {
			t.Errorf("%s: exit %v, stderr %q; want a failure and one line naming %s as pfgm-only", tc.name, err, msg, tc.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
			t.Errorf("%s: the refused run wrote its --out directory", tc.name)
		}
	}
}
