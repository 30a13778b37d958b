package optim

// emaUpdate sets s = decay·s + (1−decay)·p element-wise, in float64.
func emaUpdate(s, p []float32, decay float64) {
	p = p[:len(s)]
	w := 1 - decay
	for i := range s {
		s[i] = float32(decay*float64(s[i]) + w*float64(p[i]))
	}
}
