package classic

import "github.com/pfgm/pfgm/sampler"

// NewDenoiser presents the field f as the denoiser Sample integrates with,
// D(x, z) = x − z·E_x/E_z in σ ≡ z (with opt's E_z substitution), so
// other users of the ODE dx/dz = E_x/E_z — the likelihood — see exactly
// the flow the sampler follows.
func NewDenoiser(f Field, p Params, opt Options) sampler.Denoiser {
	return &fieldDenoiser{f: f, p: p, zexp: opt.ZExp, subst: opt.Subst}
}
