package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock advances by a fixed amount at every reading.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Unix(0, 0)
	return func() time.Time { t = t.Add(step); return t }
}

func TestPlainLinesAreThrottledAndCarryRateAndETA(t *testing.T) {
	var buf bytes.Buffer
	// Each clock reading advances 1 s; lines at most every 5 s.
	r := newReporter(&buf, false, 0, 100, 5*time.Second, fakeClock(time.Second))
	for s := 1; s <= 100; s++ {
		r.Update(s, F("loss", 0.5))
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) < 15 || len(lines) > 25 {
		t.Fatalf("got %d lines for 100 steps at one line per 5 s, want about 20", len(lines))
	}
	if !strings.Contains(lines[0], "step 5/100 loss 0.5 1.0 it/s eta 1m35s") {
		t.Errorf("first line %q lacks step, loss, rate or ETA", lines[0])
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "step 100/100") || !strings.Contains(last, "elapsed") {
		t.Errorf("last line %q should report the final step and elapsed time", last)
	}
}

func TestLiveBarRedrawsInPlace(t *testing.T) {
	var buf bytes.Buffer
	r := newReporter(&buf, true, 0, 4, time.Second, fakeClock(time.Second))
	for s := 1; s <= 4; s++ {
		r.Update(s)
	}
	out := buf.String()
	if strings.Count(out, "\r\033[K") != 4 || !strings.HasSuffix(out, "\n") {
		t.Errorf("live output %q should redraw 4 times and end with a newline", out)
	}
	if !strings.Contains(out, "[========================] step 4/4") {
		t.Errorf("live output %q lacks a full bar at the end", out)
	}
}

func TestResumedRateCountsOnlyNewSteps(t *testing.T) {
	var buf bytes.Buffer
	r := newReporter(&buf, false, 50, 100, 0, fakeClock(time.Second))
	r.Update(51)
	if !strings.Contains(buf.String(), " 1.0 it/s") {
		t.Errorf("%q: 1 step in 1 s after a resume at 50 is 1 it/s", buf.String())
	}
}
