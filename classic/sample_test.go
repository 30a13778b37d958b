package classic

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func TestSampleExactFieldLandsOnCharges(t *testing.T) {
	// Five 2-D charges; the field lines of their exact field end on them.
	y := []float64{0, 0, 1, 0.5, -1, 0.8, 0.3, -1.2, -0.7, -0.6}
	ch, err := NewCharges(y, 2)
	if err != nil {
		t.Fatal(err)
	}
	norm, _ := TypicalNorm(y, 2)
	p, err := NewParams(2, norm)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []Substitution{SubstExact, SubstNone, SubstReference} {
		const n = 200
		x := p.Prior(rand.New(rand.NewPCG(11, 12)), n)
		opt := DefaultOptions()
		opt.Subst = sub
		res, err := Sample(context.Background(), ExactField{Charges: ch, Gamma: p.Gamma}, p, x, opt)
		if err != nil {
			t.Fatal(err)
		}
		hits := make([]int, 5)
		worst := 0.0
		for q := range n {
			best, bi := math.Inf(1), 0
			for i := range 5 {
				if d := math.Hypot(x[2*q]-y[2*i], x[2*q+1]-y[2*i+1]); d < best {
					best, bi = d, i
				}
			}
			worst = max(worst, best)
			hits[bi]++
		}
		t.Logf("%v: M = %d, z_max = %.3f, NFE %d (%d rejected), worst distance to a charge %.2g, hits %v",
			sub, p.M, p.ZMax, res.NFE, res.Rejected, worst, hits)
		if res.NFE < 7 {
			t.Errorf("NFE = %d: RK45 takes at least one step of 6 stages plus the first", res.NFE)
		}
		// The flow is continuous in z and ends at z = 0 on a charge: every
		// sample is within the integration error of one.
		// The reference's substitution neglects z next to ‖x − D‖, which
		// 2-D data violate (see Sample); it is only logged.
		if worst > 1e-3 && sub != SubstReference {
			t.Errorf("%v: a sample ends %.3g from the nearest charge", sub, worst)
		}
		for i, h := range hits {
			if h == 0 {
				t.Errorf("%v: no sample reached charge %d", sub, i)
			}
		}
	}
}

func TestSampleErrors(t *testing.T) {
	ch, _ := NewCharges([]float64{0, 0}, 2)
	p, _ := NewParams(2, 1)
	opt := DefaultOptions()
	opt.ZMin = p.ZMax * 2
	if _, err := Sample(context.Background(), ExactField{ch, 5}, p, make([]float64, 4), opt); err == nil {
		t.Error("z_min above z_max accepted")
	}
	if _, err := Sample(context.Background(), ExactField{ch, 5}, p, make([]float64, 3), DefaultOptions()); err == nil {
		t.Error("ragged batch accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := p.Prior(rand.New(rand.NewPCG(1, 1)), 4)
	if _, err := Sample(ctx, ExactField{ch, 5}, p, x, DefaultOptions()); err == nil {
		t.Error("cancelled context ignored")
	}
}

func TestExactSubstitutionReproducesExactField(t *testing.T) {
	// For the exact field, E_z rebuilt from ‖E_x‖ by SubstExact is the
	// field's own E_z, so the drift matches SubstNone's.
	rng := rand.New(rand.NewPCG(13, 14))
	for _, dim := range []int{2, 30} {
		y := make([]float64, 20*dim)
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		ch, _ := NewCharges(y, dim)
		p, _ := NewParams(dim, 3)
		x := make([]float64, 8*dim)
		for i := range x {
			x[i] = 2 * rng.NormFloat64()
		}
		for _, z := range []float64{4, 1, 0.1, 1e-3} {
			var got [2][]float64
			for k, sub := range []Substitution{SubstExact, SubstNone} {
				d := &fieldDenoiser{f: ExactField{ch, p.Gamma}, p: p, zexp: DefaultZExp, subst: sub}
				got[k] = make([]float64, len(x))
				if err := d.Denoise(context.Background(), x, z, got[k]); err != nil {
					t.Fatal(err)
				}
			}
			for j := range x {
				// Compare the drifts x − D.
				a, b := x[j]-got[0][j], x[j]-got[1][j]
				if math.Abs(a-b) > 1e-9*(1+math.Abs(b)) {
					t.Fatalf("N=%d z=%v: drift %v with the substitution, %v without", dim, z, a, b)
				}
			}
		}
	}
}
