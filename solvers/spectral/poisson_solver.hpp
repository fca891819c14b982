#pragma once
// PoissonSolver<T>: solves lap(phi) = f on a cell-centred grid distributed
// over pencils, with one boundary condition per axis (both faces):
//
//   Periodic   Fourier transform
//   Neumann    dphi/dn = 0 on the faces: DCT-II / DCT-III (ghost phi_-1 = phi_0)
//   Dirichlet  phi = 0 on the faces:     DST-II / DST-III (ghost phi_-1 = -phi_0)
//
// Eigenvalues: FiniteDifference (default) inverts the solver's own 7-point
// Laplacian exactly, with the ghost rules above at walls:
//   periodic  -4 sin^2(pi k / n) / h^2,  k = 0 .. n-1
//   Neumann   -4 sin^2(pi k / 2n) / h^2, k = 0 .. n-1
//   Dirichlet -4 sin^2(pi (k+1) / 2n) / h^2
// which is what a projection method needs (its divergence is then removed to
// round-off). Spectral uses the exact Laplacian's -(2 pi k' / L)^2 (k' the
// signed wavenumber), -(pi k / L)^2 and -(pi (k+1) / L)^2 instead.
//
// Zero mode: with no Dirichlet axis (all periodic / Neumann) the problem has
// a solution only for f of zero mean, and then only up to a constant. The
// solver drops the mean of f (the k = 0 coefficient) and returns the solution
// of zero mean. Inhomogeneous boundary values go into f, as usual.
//
// f and phi are this rank's x-pencils (real, layout.local_size(Pencil::X)
// values, x fastest) on the transport's device; they may be the same array.
// Everything is allocated at construction.
#include <array>
#include <memory>

#include "decomposition/pencil_layout.hpp"
#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"
#include "solvers/spectral/distributed_fft.hpp"

namespace tessera::spectral {

enum class Boundary { Periodic, Neumann, Dirichlet };
enum class Eigenvalues { FiniteDifference, Spectral };
const char* to_string(Boundary b);

struct PoissonSpec {
  std::array<Boundary, 3> boundary{Boundary::Periodic, Boundary::Periodic, Boundary::Periodic};
  std::array<double, 3> length{1.0, 1.0, 1.0};  // domain length per axis; h = length / cells
  Eigenvalues eigenvalues = Eigenvalues::FiniteDifference;
};

template <class T>
class PoissonSolver {
 public:
  // Throws InputError for a non-positive length, or when the pencils do not fit.
  PoissonSolver(const PencilLayout& layout, Transport& transport, const PoissonSpec& spec);

  void solve(const T* f, T* phi);

  // True when the zero mode is dropped (no Dirichlet axis).
  bool singular() const { return singular_; }
  const PoissonSpec& spec() const { return spec_; }
  const DistributedFft<T>& transform() const { return fft_; }
  std::size_t memory_bytes() const;

 private:
  PoissonSpec spec_;
  DistributedFft<T> fft_;
  bool singular_ = false;
  std::array<Buffer<double>, 3> eigen_;  // per axis, by spectral index
  Buffer<std::byte> spectrum_;
};

extern template class PoissonSolver<double>;
extern template class PoissonSolver<float>;

}  // namespace tessera::spectral
