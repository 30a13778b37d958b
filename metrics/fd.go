package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Gaussian is the mean and covariance of a set of feature vectors, the
// summary the Fréchet distance compares.
type Gaussian struct {
	Mean []float64
	Cov  *mat.SymDense
}

// FitGaussian returns the sample mean and the unbiased (n − 1) sample
// covariance of the rows of x (one feature vector a row).
func FitGaussian(x mat.Matrix) (Gaussian, error) {
	n, d := x.Dims()
	if n < 2 || d < 1 {
		return Gaussian{}, fmt.Errorf("metrics: a Gaussian fit needs at least 2 feature vectors, got %d×%d", n, d)
	}
	mean := make([]float64, d)
	for j := range mean {
		mean[j] = stat.Mean(mat.Col(nil, j, x), nil)
	}
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, x, nil)
	return Gaussian{Mean: mean, Cov: &cov}, nil
}

// FrechetDistance returns the squared Fréchet (Wasserstein-2) distance
// between the Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂):
//
//	FD = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½.
//
// The last trace is the sum of the square roots of the eigenvalues of the
// symmetric positive semi-definite matrix Σ₁^½ Σ₂ Σ₁^½, which is stable
// where the usual sqrtm(Σ₁Σ₂) of a non-symmetric product is not. This is
// the statistic papers call FID when the features are Inception's.
func FrechetDistance(a, b Gaussian) (float64, error) {
	d := len(a.Mean)
	if d == 0 || len(b.Mean) != d || a.Cov == nil || b.Cov == nil ||
		a.Cov.SymmetricDim() != d || b.Cov.SymmetricDim() != d {
		return 0, fmt.Errorf("metrics: Fréchet distance between Gaussians of different or empty dimensions")
	}
	var dm float64
	for i := range a.Mean {
		dm += (a.Mean[i] - b.Mean[i]) * (a.Mean[i] - b.Mean[i])
	}
	s1, err := sqrtPSD(a.Cov)
	if err != nil {
		return 0, err
	}
	var m mat.Dense
	m.Product(s1, b.Cov, s1)
	cross, err := traceSqrtPSD(symmetrize(&m))
	if err != nil {
		return 0, err
	}
	fd := dm + mat.Trace(a.Cov) + mat.Trace(b.Cov) - 2*cross
	if fd < 0 {
		fd = 0 // rounding when the two Gaussians coincide
	}
	return fd, nil
}

// sqrtPSD returns the symmetric square root V diag(√λ) Vᵀ of a symmetric
// positive semi-definite s (eigenvalues below zero by rounding count as 0).
func sqrtPSD(s *mat.SymDense) (*mat.Dense, error) {
	var e mat.EigenSym
	if !e.Factorize(s, true) {
		return nil, fmt.Errorf("metrics: eigen-decomposition of a covariance failed")
	}
	lam := e.Values(nil)
	var v mat.Dense
	e.VectorsTo(&v)
	root := make([]float64, len(lam))
	for i, l := range lam {
		root[i] = math.Sqrt(max(l, 0))
	}
	var vs, out mat.Dense
	vs.Mul(&v, mat.NewDiagDense(len(root), root))
	out.Mul(&vs, v.T())
	return &out, nil
}

// traceSqrtPSD returns tr s^½ = Σ √λᵢ for symmetric positive
// semi-definite s.
func traceSqrtPSD(s *mat.SymDense) (float64, error) {
	var e mat.EigenSym
	if !e.Factorize(s, false) {
		return 0, fmt.Errorf("metrics: eigen-decomposition failed")
	}
	var t float64
	for _, l := range e.Values(nil) {
		t += math.Sqrt(max(l, 0))
	}
	return t, nil
}

// symmetrize returns (m + mᵀ)/2 of a square m that is symmetric up to
// rounding.
func symmetrize(m *mat.Dense) *mat.SymDense {
	n, _ := m.Dims()
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, 0.5*(m.At(i, j)+m.At(j, i)))
		}
	}
	return s
}
