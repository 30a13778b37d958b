package progress

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// Reporter prints progress of a job with a known number of steps.
type Reporter struct {
	w        io.Writer
	live     bool          // redraw one line in place (a terminal)
	every    time.Duration // how often a plain line is written
	total    int
	start    time.Time
	first    int // step at start (non-zero after a resume)
	last     time.Time
	now      func() time.Time
	finished bool
}

// New returns a Reporter for total steps starting at step first. It draws a
// live bar when w is a terminal and writes a plain line every interval
// otherwise.
func New(w io.Writer, first, total int, interval time.Duration) *Reporter {
	live := false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		live = true
	}
	return newReporter(w, live, first, total, interval, time.Now)
}

func newReporter(w io.Writer, live bool, first, total int, interval time.Duration, now func() time.Time) *Reporter {
	t := now()
	return &Reporter{w: w, live: live, every: interval, total: total, first: first, start: t, last: t, now: now}
}

// Update reports that step (1-based count of finished steps) is done; extra
// holds named values such as the loss, printed in order.
func (r *Reporter) Update(step int, extra ...Field) {
	t := r.now()
	if !r.live && t.Sub(r.last) < r.every && step < r.total {
		return
	}
	if r.live && t.Sub(r.last) < 100*time.Millisecond && step < r.total {
		return
	}
	r.last = t
	line := r.line(step, t, extra)
	if r.live {
		fmt.Fprintf(r.w, "\r\033[K%s", line)
		if step >= r.total {
			fmt.Fprintln(r.w)
			r.finished = true
		}
		return
	}
	fmt.Fprintln(r.w, line)
}

// Done ends a live line that did not reach the total (cancelled jobs).
func (r *Reporter) Done() {
	if r.live && !r.finished {
		fmt.Fprintln(r.w)
		r.finished = true
	}
}

// Field is one named value on a progress line.
type Field struct {
	Name  string
	Value float64
}

// F makes a Field.
func F(name string, v float64) Field { return Field{name, v} }

func (r *Reporter) line(step int, t time.Time, extra []Field) string {
	var b strings.Builder
	elapsed := t.Sub(r.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(step-r.first) / elapsed
	}
	if r.live {
		const width = 24
		frac := float64(step) / float64(max(r.total, 1))
		n := int(math.Round(frac * width))
		fmt.Fprintf(&b, "[%s%s] ", strings.Repeat("=", n), strings.Repeat(" ", width-n))
	}
	fmt.Fprintf(&b, "step %d/%d", step, r.total)
	for _, f := range extra {
		fmt.Fprintf(&b, " %s %.4g", f.Name, f.Value)
	}
	fmt.Fprintf(&b, " %.1f it/s", rate)
	if rate > 0 && step < r.total {
		eta := time.Duration(float64(r.total-step) / rate * float64(time.Second))
		fmt.Fprintf(&b, " eta %s", eta.Round(time.Second))
	} else {
		fmt.Fprintf(&b, " elapsed %s", time.Duration(elapsed*float64(time.Second)).Round(time.Second))
	}
	return b.String()
}
