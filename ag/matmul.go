package ag

import "github.com/pfgm/pfgm/gemm"

// Precision is how a tape's matrix products (linear layers, convolutions
// as im2col + GEMM, attention) treat their inputs.
type Precision int

const (
	// Float32 multiplies float32 inputs with float32 sums (the default).
	Float32 Precision = iota
	// BF16 rounds both factors of every product to bfloat16 and sums in
	// float32 (gemm.SgemmBF16): mixed precision. Weights, gradients and
	// every other op stay float32.
	BF16
)

func (p Precision) String() string {
	if p == BF16 {
		return "bf16"
	}
	return "float32"
}

// SetPrecision sets how the tape's matrix products round their inputs.
// Like SetWorkers it must not be called while an op of the tape runs.
func (t *Tape) SetPrecision(p Precision) { t.precision = p }

// Precision is the tape's matrix-product precision.
func (t *Tape) Precision() Precision { return t.precision }

// GEMMFlops is the number of floating-point operations, 2·m·n·k for each
// m×k by k×n product, of the matrix products the tape's ops have run since
// it was made (Reset does not clear it). The difference across a training
// step is that step's product work, from which a benchmark reports its
// share of the FMA peak.
func (t *Tape) GEMMFlops() int64 { return t.flops.Load() }

// ModelFlops is GEMMFlops with every convolution counted as the direct
// algorithm (im2col) computes it, 2·o·c·k²·b·h·w, whichever algorithm ran:
// a Winograd convolution runs 2.25× fewer flops than that. It is the
// count a share of peak should use (what papers call model flops), so that
// a faster algorithm shows as a higher share, and so that an engine that
// convolves directly (the PyTorch peer) is measured on the same count.
func (t *Tape) ModelFlops() int64 { return t.model.Load() }

// countModelOnly adds flops that a faster algorithm saved to ModelFlops
// but not to GEMMFlops.
func (t *Tape) countModelOnly(flops int64) { t.model.Add(flops) }

// countProduct counts flops a product ran, in GEMMFlops and ModelFlops.
func (t *Tape) countProduct(flops int64) {
	t.flops.Add(flops)
	t.model.Add(flops)
}

// sgemm is every product of the tape's ops: gemm.SgemmThreads (or
// gemm.SgemmBF16Threads at BF16 precision) on the tape's workers, counted
// in GEMMFlops. Ops may call it from several workers at once.
func (t *Tape) sgemm(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	t.countProduct(2 * int64(m) * int64(n) * int64(k))
	if t.precision == BF16 {
		gemm.SgemmBF16Threads(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemm.SgemmThreads(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
