package likelihood

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/classic"
	"github.com/pfgm/pfgm/process"
)

// The original PFGM's ODE dx/dz = E_x/E_z is the D = 1 flow with σ ≡ z
// (classic.NewDenoiser gives D = x − z·E_x/E_z), and its prior on
// z = z_max is the D = 1 kernel with r = z_max. With the exact normalised
// field of a few charges the density at z_min must be the mixture of
// D = 1 kernels at r = z_min.
func TestClassicFieldMixture(t *testing.T) {
	ys := []float64{0, 0, 0.6, 0.2, -0.4, 0.5, -0.3, -0.6, 0.5, -0.4}
	const k, n, zMin = 5, 2, 0.05
	ch, err := classic.NewCharges(ys, n)
	if err != nil {
		t.Fatal(err)
	}
	// z_max and upper far out, so the prior around 0 stands for the
	// charges' flux there (the data's own z_max would be ≈ 6).
	p := classic.Params{N: n, Sigma0: 0.01, Tau: 0.03, M: 300, ZMax: 1e4, Upper: 1e6, Gamma: classic.DefaultGamma}
	den := classic.NewDenoiser(classic.ExactField{Charges: ch, Gamma: p.Gamma}, p, classic.DefaultOptions())
	proc, _ := process.New(1)
	x := proc.Prior(rand.New(rand.NewPCG(31, 32)), 2*k, n, zMin/4)
	for q := range 2 * k {
		x[q*n] += ys[(q%k)*n]
		x[q*n+1] += ys[(q%k)*n+1]
	}
	opt := DefaultOptions()
	opt.D, opt.SigmaMin, opt.SigmaMax = 1, zMin, p.ZMax
	opt.Rtol, opt.Atol = 1e-7, 1e-7
	res, err := Estimate(context.Background(), den, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for q, got := range res.LogP {
		lk := make([]float64, k)
		for i := range k {
			lk[i] = LogKernel(x[q*n:(q+1)*n], ys[i*n:(i+1)*n], 1, zMin)
		}
		worst = max(worst, math.Abs(got-(logSumExp(lk)-math.Log(k))))
	}
	t.Logf("max error %.1e nats, nfe_mean %.0f", worst, res.NFEMean)
	if worst > 1e-4 {
		t.Errorf("|log p − D=1 mixture| up to %.2e nats, want ≤ 1e-4", worst)
	}
}
