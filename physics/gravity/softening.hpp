#pragma once
// Gravitational softening: the pair factors of a softened point mass.
//
// For a source of mass m_j at r_j seen from r_i (r = |r_j - r_i|), each kernel
// gives two factors of r^2:
//   acceleration on i:  a_i   = G m_j f(r) (r_j - r_i)
//   potential at i:     phi_i = -G m_j g(r)
// with f = -g'(r) / r, so the force is minus the gradient of the potential.
// Newtonian gravity is f = 1/r^3, g = 1/r.
//
// Plummer (Plummer 1911; Aarseth 1963): the potential of a Plummer sphere of
// scale length eps,
//   g = (r^2 + eps^2)^(-1/2),  f = (r^2 + eps^2)^(-3/2).
// Never exactly Newtonian: the force is 1 - (3/2)(eps/r)^2 of Newton's at r.
//
// Spline (Springel, Yoshida & White 2001, NewA 6, 79, eqs. 70-71; Springel 2005,
// MNRAS 364, 1105, sect. 2.1, the GADGET-2 convention): the point mass is
// smeared with the cubic-spline SPH kernel of support h,
//   rho(r) = m W(r, h),  W = 8/(pi h^3) { 1 - 6u^2 + 6u^3      0   <= u < 1/2
//                                         2 (1 - u)^3          1/2 <= u < 1
//                                         0                    u >= 1 },  u = r/h,
// and h = 2.8 eps, so that the central potential equals a Plummer sphere's of
// scale eps (g(0) = 2.8/h = 1/eps). Solving Poisson's equation for this
// density gives phi = (G m / h) W2(u) with
//   W2 = 16/3 u^2 - 48/5 u^4 + 32/5 u^5 - 14/5                              u < 1/2
//      = 1/(15u) + 32/3 u^2 - 16u^3 + 48/5 u^4 - 32/15 u^5 - 16/5           1/2 <= u < 1
//      = -1/u                                                               u >= 1,
// so g = -W2(u)/h and f = -g'(r)/r = W2'(u) / (h^3 u):
//   f h^3 = 32/3 - 192/5 u^2 + 32 u^3                                       u < 1/2
//         = 64/3 - 48u + 192/5 u^2 - 32/3 u^3 - 1/(15 u^3)                  1/2 <= u < 1.
// The kernel has compact support, so beyond h the field is exactly Newtonian
// (the code takes the Newtonian branch there, not the polynomial). The
// polynomials above are derived from the density; tests/gravity_test.cu checks
// them against Gauss's law for that density.
//
// Both kernels take r^2 and work in float or double. On the GPU the inverse
// square root is rsqrtf (2 ulp) or rsqrt (1 ulp): no division, no slow path.
#include <cmath>

#include "runtime/macros.hpp"

namespace tessera::gravity {

enum class Softening { Plummer, Spline };

// GADGET's ratio of the spline support to the Plummer-equivalent length.
inline constexpr double kSplineSupportPerEps = 2.8;

template <class Real>
struct PairFactors {
  Real f;  // acceleration factor: a = G m f (r_j - r_i)
  Real g;  // potential factor: phi = -G m g
};

namespace detail {

TESSERA_HD TESSERA_INLINE float inverse_sqrt(float x) {
#if TESSERA_ON_DEVICE
  return rsqrtf(x);
#else
  return 1.0f / std::sqrt(x);
#endif
}
TESSERA_HD TESSERA_INLINE double inverse_sqrt(double x) {
#if TESSERA_ON_DEVICE
  return rsqrt(x);
#else
  return 1.0 / std::sqrt(x);
#endif
}

}  // namespace detail

// Unsoftened gravity: f = 1/r^3, g = 1/r. The branch both kernels reduce to.
template <class Real>
TESSERA_HD TESSERA_INLINE PairFactors<Real> newtonian(Real r2) {
  const Real rinv = detail::inverse_sqrt(r2);
  return {rinv * rinv * rinv, rinv};
}

// Kernels hold their precomputed constants and are evaluated per pair. Force
// loops add `r2_bias` to r^2 themselves (folded into the r^2 FMA chain) and
// call `biased`; `operator()` does both for everyone else.
template <class Real>
struct PlummerKernel {
  Real r2_bias;  // eps^2

  TESSERA_HD explicit PlummerKernel(Real eps) : r2_bias(eps * eps) {}

  // s2 = r^2 + eps^2.
  TESSERA_HD TESSERA_INLINE PairFactors<Real> biased(Real s2) const { return newtonian(s2); }
  TESSERA_HD TESSERA_INLINE PairFactors<Real> operator()(Real r2) const { return biased(r2 + r2_bias); }
};

template <class Real>
struct SplineKernel {
  Real r2_bias = Real(0);
  Real h, h2, hinv;

  TESSERA_HD explicit SplineKernel(Real eps)
      : h(Real(kSplineSupportPerEps) * eps), h2(h * h), hinv(h > Real(0) ? Real(1) / h : Real(0)) {}

  TESSERA_HD TESSERA_INLINE PairFactors<Real> biased(Real r2) const {
    const Real rinv = detail::inverse_sqrt(r2);
    // Outside the support (and for eps = 0) the kernel is a point mass.
    if (!(r2 < h2)) return {rinv * rinv * rinv, rinv};
    return inside(r2, rinv);
  }
  TESSERA_HD TESSERA_INLINE PairFactors<Real> operator()(Real r2) const { return biased(r2); }

  // r < h: the polynomials of the header comment in Horner form. r and 1/u
  // come from rinv = r^-1/2 rather than from sqrt and a division: on the GPU
  // those have slow paths that cost a call (and spills) in the force loop.
  // r = 0 (coincident particles) is finite: rinv is infinite there, so r is
  // selected, not computed, and 1/u is used only for u >= 1/2.
  TESSERA_HD TESSERA_INLINE PairFactors<Real> inside(Real r2, Real rinv) const {
    const Real u = (r2 > Real(0) ? r2 * rinv : Real(0)) * hinv;
    const Real u2 = u * u;
    const Real h3inv = hinv * hinv * hinv;
    if (u < Real(0.5)) {
      const Real f = Real(32) / Real(3) + u2 * (Real(-192) / Real(5) + Real(32) * u);
      const Real g = Real(14) / Real(5) + u2 * (Real(-16) / Real(3) + u2 * (Real(48) / Real(5) - Real(32) / Real(5) * u));
      return {f * h3inv, g * hinv};
    }
    const Real uinv = h * rinv;
    const Real f = Real(64) / Real(3) - Real(48) * u + u2 * (Real(192) / Real(5) - Real(32) / Real(3) * u) -
                   uinv * uinv * uinv * (Real(1) / Real(15));
    const Real g = Real(16) / Real(5) - uinv * (Real(1) / Real(15)) +
                   u2 * (Real(-32) / Real(3) + u * (Real(16) + u * (Real(-48) / Real(5) + Real(32) / Real(15) * u)));
    return {f * h3inv, g * hinv};
  }
};

// Run-time choice, for code outside the force loops (diagnostics, tests).
template <class Real>
TESSERA_HD inline PairFactors<Real> pair_factors(Softening s, Real r2, Real eps) {
  return s == Softening::Spline ? SplineKernel<Real>(eps)(r2) : PlummerKernel<Real>(eps)(r2);
}
template <class Real>
TESSERA_HD inline Real force_factor(Softening s, Real r2, Real eps) {
  return pair_factors(s, r2, eps).f;
}
template <class Real>
TESSERA_HD inline Real potential_factor(Softening s, Real r2, Real eps) {
  return pair_factors(s, r2, eps).g;
}

}  // namespace tessera::gravity
