package classifier

import "math"

// crossEntropy returns the mean softmax cross-entropy of logits [B, Classes]
// against labels, −(1/B) Σ_b log softmax(z_b)[y_b], and writes its gradient
// with respect to the logits into grad: (softmax(z_b) − onehot(y_b)) / B.
func crossEntropy(logits []float32, labels []int, grad []float32) float64 {
	b := len(labels)
	var loss float64
	for i, y := range labels {
		z := logits[i*Classes : (i+1)*Classes]
		g := grad[i*Classes : (i+1)*Classes]
		m := z[argmax(z)]
		var s float64
		for _, v := range z {
			s += math.Exp(float64(v - m))
		}
		logZ := float64(m) + math.Log(s)
		loss += logZ - float64(z[y])
		for k, v := range z {
			p := math.Exp(float64(v) - logZ)
			if k == y {
				p--
			}
			g[k] = float32(p / float64(b))
		}
	}
	return loss / float64(b)
}
