package bench

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestTimeWarmsUpThenTimesEachRepetition(t *testing.T) {
	calls := 0
	tm, err := Time(context.Background(), 3, 5, func() error { calls++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if calls != 8 || len(tm.Times) != 5 {
		t.Fatalf("got %d calls and %d times, want 8 and 5", calls, len(tm.Times))
	}
	for i, d := range tm.Times {
		if d < 0 {
			t.Fatalf("time %d is negative: %v", i, d)
		}
	}
}

func TestTimeStopsAtTheFirstError(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		failAt int
		where  string
	}{{2, "warm-up 2"}, {4, "repetition 2"}} {
		calls := 0
		_, err := Time(context.Background(), 2, 5, func() error {
			calls++
			if calls == tc.failAt {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), tc.where) {
			t.Fatalf("fail at call %d: got %v, want boom at %s", tc.failAt, err, tc.where)
		}
		if calls != tc.failAt {
			t.Fatalf("fail at call %d: %d calls made", tc.failAt, calls)
		}
	}
}

func TestTimeHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := Time(ctx, 1, 10, func() error {
		calls++
		if calls == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 3 {
		t.Fatalf("got %v after %d calls, want context.Canceled after 3", err, calls)
	}
}

func TestTimeRejectsBadCounts(t *testing.T) {
	step := func() error { return nil }
	if _, err := Time(context.Background(), -1, 1, step); err == nil {
		t.Error("negative warm-up accepted")
	}
	if _, err := Time(context.Background(), 0, 0, step); err == nil {
		t.Error("zero repetitions accepted")
	}
}

func TestMedianAndMin(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		times    []time.Duration
		med, min time.Duration
	}{
		{nil, 0, 0},
		{[]time.Duration{7 * ms}, 7 * ms, 7 * ms},
		{[]time.Duration{3 * ms, 1 * ms, 2 * ms}, 2 * ms, 1 * ms},
		// Even count: mean of the two middle values, as statistics.median.
		{[]time.Duration{4 * ms, 1 * ms, 3 * ms, 2 * ms}, 2500 * time.Microsecond, 1 * ms},
		{[]time.Duration{9 * ms, 9 * ms, 1 * ms, 100 * ms, 2 * ms}, 9 * ms, 1 * ms},
	} {
		in := append([]time.Duration(nil), tc.times...)
		tm := Timing{Times: in}
		if got := tm.Median(); got != tc.med {
			t.Errorf("median of %v = %v, want %v", tc.times, got, tc.med)
		}
		if got := tm.Min(); got != tc.min {
			t.Errorf("min of %v = %v, want %v", tc.times, got, tc.min)
		}
		for i := range in {
			if in[i] != tc.times[i] {
				t.Fatalf("Median reordered its input: %v", in)
			}
		}
	}
}

func TestPeakRSSCoversTouchedMemory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the lower bound below relies on Linux's ru_maxrss")
	}
	const mib = 96
	buf := make([]byte, mib<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1 // fault every page in
	}
	got := PeakRSSMB()
	runtime.KeepAlive(buf)
	// The peak includes at least the pages just touched (less a little
	// slack should the kernel have reclaimed some).
	if got < 0.9*mib {
		t.Fatalf("peak RSS %.1f MiB after touching %d MiB", got, mib)
	}
}
