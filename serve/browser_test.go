package serve

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds a headless-capable Chromium, or skips the test.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on this machine (apt-get install chromium): the browser test does not run")
	return ""
}

// TestPageInBrowser opens the page in headless Chromium, moves the D
// slider, generates exact-field samples and an image grid of a trained
// run, and checks what the page shows and that it logs no error. With
// PFGM_SCREENSHOT=FILE it also saves a screenshot of the page:
//
//	PFGM_SCREENSHOT=$PWD/docs/serve.png PFGM_SCREENSHOT_RUNS=RUNS go test ./serve -run Browser
func TestPageInBrowser(t *testing.T) {
	exe := chromium(t)
	// PFGM_SCREENSHOT_RUNS serves another runs directory (its first run
	// must be an image run): how the README's screenshot is made.
	root := os.Getenv("PFGM_SCREENSHOT_RUNS")
	if root == "" {
		root = t.TempDir()
		trainImageRun(t, filepath.Join(root, "tiny-images"))
	}
	_, ts := newTestServer(t, Options{RunsDir: root})

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1200, 1400), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTime()

	// Start the browser, then subscribe to its console before the page loads.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()

	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(css(`body[data-ready="true"]`)),
		// D slider to its first stop, D = 1 (PFGM).
		chromedp.SetValue(css("#d-slider"), "0"),
		chromedp.Steps(),
	)
	if err != nil {
		t.Fatalf("open the page: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("d-slider").dispatchEvent(new Event("input"))`)); err != nil {
		t.Fatal(err)
	}
	dLabel, err := chromedp.Run(ctx, chromedp.Text(css("#d-label")))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(css("#n"), "300"),
		chromedp.Click(css("#generate")),
		chromedp.WaitVisible(css(`#field-canvas[data-state="done"]`)),
	)
	if err != nil {
		st, _ := chromedp.Run(context.WithoutCancel(ctx), chromedp.Evaluate[string](`document.getElementById("exact-status").textContent + " / canvas " + document.getElementById("field-canvas").dataset.state`))
		mu.Lock()
		t.Fatalf("generate: %v (page says %q; console %q)", err, st, problems)
	}
	status, _ := chromedp.Run(ctx, chromedp.Text(css("#exact-status")))
	// Pixels that are neither white nor the faint data grey: samples.
	inked, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => {
		const c = document.getElementById("field-canvas"), d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
		let n = 0;
		for (let i = 0; i < d.length; i += 4) if (d[i] > 150 && d[i+1] < 120 && d[i+2] < 80) n++;
		return n;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	// A trained image run: select it, generate a grid.
	err = chromedp.Do(ctx,
		chromedp.Click(css(`#runs-table tbody tr`)),
		chromedp.WaitVisible(css(`#run-detail`)),
		chromedp.SetValue(css("#run-n"), "9"),
		chromedp.SetValue(css("#run-steps"), "4"),
		chromedp.Click(css("#run-generate")),
		chromedp.WaitVisible(css(`#run-status[data-state="done"]`)),
	)
	if err != nil {
		t.Fatalf("run grid: %v", err)
	}
	runStatus, _ := chromedp.Run(ctx, chromedp.Text(css("#run-status")))
	imgWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.getElementById("run-image").naturalWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if dLabel != "1" {
		t.Errorf("D label %q after moving the slider to its first stop, want 1", dLabel)
	}
	if !strings.Contains(status, "300 samples, D = 1") {
		t.Errorf("status %q", status)
	}
	// 300 discs of radius 2.2 px: several thousand orange pixels.
	if inked < 300 {
		t.Errorf("canvas shows %d sample pixels, want ≥ 300", inked)
	}
	if imgWidth < 3*8 || !strings.Contains(runStatus, "9 samples") {
		t.Errorf("image grid %d px wide, status %q", imgWidth, runStatus)
	}
	if path := os.Getenv("PFGM_SCREENSHOT"); path != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("page: %s", p)
	}
}
