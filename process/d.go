package process

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxExactD is the largest D that a float64 still holds as an exact integer.
const maxExactD = 1 << 53

// ParseD parses the number of augmented dimensions: an integer ≥ 1, or "inf"
// (any case) for the diffusion limit, which is returned as math.Inf(1).
// Exponent notation for whole numbers ("1e6") is accepted because large D are
// written that way in papers.
func ParseD(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, "inf") || strings.EqualFold(t, "+inf") {
		return math.Inf(1), nil
	}
	bad := fmt.Errorf("D must be an integer ≥ 1 or inf, got %q", s)
	if i, err := strconv.ParseInt(t, 10, 64); err == nil {
		if i < 1 || i > maxExactD {
			return 0, bad
		}
		return float64(i), nil
	}
	// Only decimal exponent forms; ParseFloat would also take "nan", "infinity" and hex.
	if !strings.ContainsAny(t, "eE") || strings.ContainsAny(t, "xXnN") {
		return 0, bad
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || !validFiniteD(f) {
		return 0, bad
	}
	return f, nil
}

// FormatD is the inverse of ParseD: "128", "1000000", "inf".
func FormatD(D float64) string {
	if math.IsInf(D, 1) {
		return "inf"
	}
	return strconv.FormatFloat(D, 'f', -1, 64)
}

// ValidD reports whether D is an integer ≥ 1 or +Inf.
func ValidD(D float64) bool {
	return math.IsInf(D, 1) || validFiniteD(D)
}

func validFiniteD(D float64) bool {
	return D >= 1 && D <= maxExactD && D == math.Trunc(D)
}
