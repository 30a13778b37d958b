package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// DefaultMaxMemory is the memory a job may plan to use when its options
// leave MaxMemory at zero: 4 GiB.
const DefaultMaxMemory int64 = 4 << 30

// ErrTooLarge is wrapped by the error of a job refused because its memory
// estimate is above the limit.
var ErrTooLarge = errors.New("over the memory limit")

// estimate adds up the bytes a job will need, saturating at MaxInt64 when
// a product overflows (a size that large is refused anyway).
type estimate struct {
	bytes int64
	what  string // the largest part, for the message
	most  int64
}

// add counts the product of factors (elements × bytes each) as part what.
func (e *estimate) add(what string, factors ...int) { e.addBytes(what, product(factors...)) }

// addBytes counts b bytes as part what.
func (e *estimate) addBytes(what string, b int64) {
	if b < 0 {
		b = math.MaxInt64
	}
	if b > e.most {
		e.most, e.what = b, what
	}
	if e.bytes > math.MaxInt64-b {
		e.bytes = math.MaxInt64
		return
	}
	e.bytes += b
}

// check refuses the job when the estimate is above limit (0: the default).
func (e *estimate) check(job string, limit int64) error {
	if limit <= 0 {
		limit = DefaultMaxMemory
	}
	if e.bytes <= limit {
		return nil
	}
	return tooLarge(fmt.Sprintf("%s needs about %s (mostly %s), more than the limit of %s; lower the sizes or raise the limit (--max-memory)",
		job, formatBytes(e.bytes), e.what, formatBytes(limit)))
}

// tooLarge is the error of a refused job; it is ErrTooLarge.
type tooLarge string

func (t tooLarge) Error() string        { return string(t) }
func (t tooLarge) Is(target error) bool { return target == ErrTooLarge }

// product multiplies non-negative factors, saturating at MaxInt64.
func product(factors ...int) int64 {
	p := uint64(1)
	for _, f := range factors {
		if f < 0 {
			return math.MaxInt64
		}
		hi, lo := bits.Mul64(p, uint64(f))
		if hi != 0 || lo > math.MaxInt64 {
			return math.MaxInt64
		}
		p = lo
	}
	return int64(p)
}

// formatBytes writes b in binary units: "512 B", "3.2 MiB", "16 GiB".
func formatBytes(b int64) string {
	if b == math.MaxInt64 {
		return "more than 8 EiB"
	}
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	v, i := float64(b), -1
	for v >= unit && i < 5 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.3g %ciB", v, "KMGTPE"[i])
}

// ParseBytes reads a memory size: a number with an optional unit B, K, M, G
// or T (powers of 1024; "KiB", "KB" and "k" are read alike), e.g. "4G",
// "512MiB", "1e9".
func ParseBytes(s string) (int64, error) {
	num, mult := s, 1.0
	for _, u := range []struct {
		suffix []string
		mult   float64
	}{
		{[]string{"TiB", "TB", "T", "t"}, 1 << 40},
		{[]string{"GiB", "GB", "G", "g"}, 1 << 30},
		{[]string{"MiB", "MB", "M", "m"}, 1 << 20},
		{[]string{"KiB", "KB", "K", "k"}, 1 << 10},
		{[]string{"B", "b"}, 1},
	} {
		found := false
		for _, suf := range u.suffix {
			if len(num) > len(suf) && num[len(num)-len(suf):] == suf {
				num, mult, found = num[:len(num)-len(suf)], u.mult, true
				break
			}
		}
		if found {
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil {
		return 0, fmt.Errorf("memory size %q: want a number with an optional unit (B, K, M, G, T), e.g. 8G", s)
	}
	v *= mult
	if !(v > 0) || v >= math.MaxInt64 || math.IsNaN(v) {
		return 0, fmt.Errorf("memory size %q: want a positive size below 8 EiB", s)
	}
	return int64(v), nil
}

// plainCancel reports a cancelled job as ctx's error alone: workers that
// stop together each return it, and errors.Join would repeat it.
func plainCancel(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
		return cerr
	}
	return err
}
