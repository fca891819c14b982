#pragma once
// Reference answers for the spectral tests, computed the slow way on the
// host: direct 1-D DFT / DCT-II / DST-II sums along each axis (no FFT), and
// the 7-point Laplacian with the Poisson solver's ghost rules.
#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <vector>

#include "decomposition/pencil_layout.hpp"
#include "solvers/spectral/distributed_fft.hpp"
#include "solvers/spectral/poisson_solver.hpp"

namespace tessera::testing {

using cplx = std::complex<long double>;

inline std::int64_t flat(const std::array<int, 3>& n, int i, int j, int k) {
  return i + static_cast<std::int64_t>(n[0]) * (j + static_cast<std::int64_t>(n[1]) * k);
}

// The full (unhalved) forward transform of global data u (x fastest), by
// direct sums along x, then y, then z.
inline std::vector<cplx> direct_transform(std::vector<cplx> u, const std::array<int, 3>& n,
                                          const std::array<spectral::AxisTransform, 3>& axes) {
  const long double pi = std::numbers::pi_v<long double>;
  for (int d = 0; d < 3; ++d) {
    const int m = n[d];
    std::vector<cplx> w(static_cast<std::size_t>(m) * m);  // w[k * m + j]
    for (int k = 0; k < m; ++k)
      for (int j = 0; j < m; ++j) {
        cplx c;
        switch (axes[d]) {
          case spectral::AxisTransform::Periodic: c = std::polar(1.0L, -2 * pi * j * k / m); break;
          case spectral::AxisTransform::Cosine: c = 2 * std::cos(pi * (j + 0.5L) * k / m); break;
          case spectral::AxisTransform::Sine: c = 2 * std::sin(pi * (j + 0.5L) * (k + 1) / m); break;
        }
        w[static_cast<std::size_t>(k) * m + j] = c;
      }
    std::vector<cplx> out(u.size());
    for (int k = 0; k < n[2]; ++k)
      for (int j = 0; j < n[1]; ++j)
        for (int i = 0; i < n[0]; ++i) {
          int at[3] = {i, j, k};
          const int kk = at[d];
          cplx s = 0;
          for (int q = 0; q < m; ++q) {
            at[d] = q;
            s += w[static_cast<std::size_t>(kk) * m + q] * u[flat(n, at[0], at[1], at[2])];
          }
          out[flat(n, i, j, k)] = s;
        }
    u.swap(out);
  }
  return u;
}

// Global index (x, y, z) of each element of a z-pencil, in its memory order.
template <class F>
void for_each_in_z_pencil(const PencilLayout& l, F f) {
  const Range3 b = l.box(Pencil::Z);
  std::int64_t e = 0;
  for (int y = b.lo[1]; y < b.hi[1]; ++y)
    for (int x = b.lo[0]; x < b.hi[0]; ++x)
      for (int z = b.lo[2]; z < b.hi[2]; ++z) f(e++, x, y, z);
}

// The 7-point Laplacian of global phi with the solver's ghost rules.
inline std::vector<double> laplacian(const std::vector<double>& phi, const std::array<int, 3>& n,
                                     const spectral::PoissonSpec& spec) {
  std::vector<double> out(phi.size());
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) {
        const int at[3] = {i, j, k};
        const double c = phi[flat(n, i, j, k)];
        double sum = 0;
        for (int d = 0; d < 3; ++d) {
          const double h = spec.length[d] / n[d];
          double side[2];
          for (int s = 0; s < 2; ++s) {
            int nb[3] = {at[0], at[1], at[2]};
            nb[d] += s ? 1 : -1;
            if (nb[d] >= 0 && nb[d] < n[d]) {
              side[s] = phi[flat(n, nb[0], nb[1], nb[2])];
            } else if (spec.boundary[d] == spectral::Boundary::Periodic) {
              nb[d] = (nb[d] + n[d]) % n[d];
              side[s] = phi[flat(n, nb[0], nb[1], nb[2])];
            } else {
              side[s] = spec.boundary[d] == spectral::Boundary::Neumann ? c : -c;
            }
          }
          sum += (side[0] - 2 * c + side[1]) / (h * h);
        }
        out[flat(n, i, j, k)] = sum;
      }
  return out;
}

// A smooth, non-trivial right-hand side on the cell centres (no symmetry the
// solver could exploit by accident).
inline double rough_value(int i, int j, int k) {
  return std::sin(0.7 * i + 1.3 * j * j + 0.4 * k) + 0.3 * std::cos(2.1 * i * k + j);
}

}  // namespace tessera::testing
