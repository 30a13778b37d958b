package tuned

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Near is how close to the best score a candidate must be to count as
// tied; among ties the most robust one wins.
const Near = 1.1

// score writes every candidate's score and returns the index of the pick.
//
// The rule (docs/STUDIES.md): a network trained with a fixed budget fits
// its targets the worse, the larger their irreducible variance, and the
// wider the range of inputs it must get right. So
//
//	score(D) = L*(D)/min L* · (1 + ln(T(D)/min T)),
//
// with L* the irreducible training loss E[λ(σ) Var(y | x)]/N on the data's
// exact field and T the tail spread of the network's input norm. Lower is
// better. Among the candidates within Near of the lowest score, the one
// whose exact-field samples degrade least under the field error α (lowest
// W2Noisy) is chosen: robustness decides between equals.
func score(cs []Candidate) (int, string) {
	minL, minT := math.Inf(1), math.Inf(1)
	for _, c := range cs {
		minL, minT = min(minL, c.TargetLoss), min(minT, c.TailSpread)
	}
	best := math.Inf(1)
	for i := range cs {
		c := &cs[i]
		c.Score = c.TargetLoss / minL * (1 + math.Log(c.TailSpread/minT))
		best = min(best, c.Score)
	}
	pick := -1
	var tied []string
	for i, c := range cs {
		if c.Score > Near*best {
			continue
		}
		tied = append(tied, c.D)
		if pick < 0 || c.W2Noisy < cs[pick].W2Noisy {
			pick = i
		}
	}
	worst := slices.MaxFunc(cs, func(a, b Candidate) int { return cmp.Compare(a.Score, b.Score) })
	p := cs[pick]
	reason := fmt.Sprintf("D=%s: score %.3g (lowest %.3g); candidates within %.0f%% of the lowest score (D=%v) are tied and D=%s degrades least under field noise α (exact-field sliced W2 %.3g); "+
		"irreducible target loss %.3g (min %.3g), input tail spread %.3g (min %.3g); worst D=%s (score %.3g, target loss %.3g, tail spread %.3g)",
		p.D, p.Score, best, 100*(Near-1), tied, p.D, p.W2Noisy,
		p.TargetLoss, minL, p.TailSpread, minT, worst.D, worst.Score, worst.TargetLoss, worst.TailSpread)
	return pick, reason
}
