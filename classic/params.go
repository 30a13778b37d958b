package classic

import (
	"errors"
	"fmt"
	"math"
)

// Defaults of the reference code (configs/default_*_configs.py and
// configs/poisson/*.py).
const (
	DefaultSigma0 = 0.01 // σ₀: model.sigma_end, the noise scale at m = 0
	DefaultTau    = 0.03 // τ: training.tau, the growth per unit of m
	DefaultGamma  = 5    // γ: training.gamma, the normalisation offset
	DefaultZExp   = 5    // sampling.z_exp: E_z is substituted below this z
	DefaultZMin   = 1e-3 // sampling ends at z = eps = 1e-3
)

// Params are the hyper-parameters of the original PFGM for data of dimension N.
type Params struct {
	N      int     `json:"n"`      // data dimension
	Sigma0 float64 `json:"sigma0"` // σ₀
	Tau    float64 `json:"tau"`    // τ
	M      int     `json:"m"`      // the perturbation exponent m ranges over [0, M)
	ZMax   float64 `json:"z_max"`  // the prior hyperplane
	Upper  float64 `json:"upper"`  // the prior radius is clipped to [1, Upper]
	Gamma  float64 `json:"gamma"`  // γ of the target √N·E/(‖E‖+γ)
}

// NewParams derives the hyper-parameters from the data dimension n and the
// typical data norm ‖y‖_typ (TypicalNorm) with σ₀ = 0.01, τ = 0.03, γ = 5:
//
//	M     = ⌊0.75·ln(‖y‖²_typ / (2√N·σ₀²)) / ln(1+τ)⌋ + 1
//	z_max = √(2/π)·σ₀·(1+τ)^M
//	upper = √N·σ₀·(1+τ)^M
//
// ‖y‖²_typ is the square of the norm the reference's hyperparam_calculator.py
// calls DATA_NORM ("32 for cifar"): CIFAR-10 (N = 3072) with norm 30 gives
// M = 287 and with 32 gives M = 291, the M of DESIGN §3.7. The calculator
// uses N+1 under the square root; at the dimensions where this matters the
// difference never moves M (it changes the argument of ln by a factor
// √(1+1/N)), and z_max, upper use N, so N is used throughout.
//
// The formula keeps the largest perturbation about (1+τ)^M·σ₀ ≈ (‖y‖²/2√N)^¾/σ₀^½
// — far outside the data for images. For low-dimensional data it is much
// less generous (standardised 2-D data get z_max ≈ 6); the prior then only
// approximates the perturbed distribution, which is part of what comparing
// PFGM with PFGM++ shows.
func NewParams(n int, norm float64) (Params, error) {
	return NewParamsWith(n, norm, DefaultSigma0, DefaultTau, DefaultGamma)
}

// NewParamsWith is NewParams with explicit σ₀, τ and γ.
func NewParamsWith(n int, norm, sigma0, tau, gamma float64) (Params, error) {
	switch {
	case n < 1:
		return Params{}, fmt.Errorf("classic: dimension must be ≥ 1, got %d", n)
	case !(norm > 0) || math.IsInf(norm, 0):
		return Params{}, fmt.Errorf("classic: the typical data norm must be positive and finite, got %v", norm)
	case !(sigma0 > 0) || !(tau > 0) || !(gamma >= 0) || math.IsInf(sigma0+tau+gamma, 0):
		return Params{}, fmt.Errorf("classic: need σ₀ > 0, τ > 0, γ ≥ 0, got %v, %v, %v", sigma0, tau, gamma)
	}
	sqrtN := math.Sqrt(float64(n))
	lt := math.Log1p(tau)
	a := 0.75 * math.Log(norm*norm/(2*sqrtN*sigma0*sigma0)) / lt
	// int() in the reference truncates towards zero; M ≥ 1 keeps U[0, M) non-empty.
	m := max(int(math.Trunc(a))+1, 1)
	top := sigma0 * math.Exp(float64(m)*lt) // σ₀(1+τ)^M
	return Params{
		N: n, Sigma0: sigma0, Tau: tau, M: m, Gamma: gamma,
		ZMax:  math.Sqrt(2/math.Pi) * top,
		Upper: sqrtN * top,
	}, nil
}

// Validate reports the first impossible setting.
func (p Params) Validate() error {
	switch {
	case p.N < 1:
		return fmt.Errorf("classic: dimension must be ≥ 1, got %d", p.N)
	case p.M < 1:
		return fmt.Errorf("classic: M must be ≥ 1, got %d", p.M)
	case !(p.Sigma0 > 0) || !(p.Tau > 0) || !(p.Gamma >= 0):
		return fmt.Errorf("classic: need σ₀ > 0, τ > 0, γ ≥ 0, got %v, %v, %v", p.Sigma0, p.Tau, p.Gamma)
	case !(p.ZMax > 0) || math.IsInf(p.ZMax, 0) || !(p.Upper >= 1) || math.IsInf(p.Upper, 0):
		return fmt.Errorf("classic: need z_max > 0 and upper ≥ 1, got %v and %v", p.ZMax, p.Upper)
	}
	return nil
}

// Scale is σ₀(1+τ)^m, the perturbation scale at exponent m.
func (p Params) Scale(m float64) float64 { return p.Sigma0 * math.Exp(m*math.Log1p(p.Tau)) }

// TypicalNorm is the root-mean-square norm √(mean ‖y_i‖²) of the points of
// x (row-major, dim numbers each): the ‖y‖_typ of NewParams.
func TypicalNorm[F float32 | float64](x []F, dim int) (float64, error) {
	if dim < 1 || len(x) == 0 || len(x)%dim != 0 {
		return 0, fmt.Errorf("classic: %d values are not whole points of dimension %d", len(x), dim)
	}
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return 0, errors.New("classic: the data have a non-finite value")
	}
	return math.Sqrt(s / float64(len(x)/dim)), nil
}
