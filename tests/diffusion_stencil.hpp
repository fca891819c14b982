#pragma once
// The explicit diffusion update shared by test.diffusion and the tests'
// serial reference, so both do the same arithmetic cell by cell.
#include "runtime/macros.hpp"

namespace tessera::testing {

// u_new = u + dt D sum_d (u[+d] - 2u + u[-d]) / h_d^2 over active axes.
TESSERA_HD inline double diffusion_update(double u, const double* minus, const double* plus, const double* inv_h2,
                                          int axes, double dt_d) {
  double lap = 0.0;
  for (int a = 0; a < axes; ++a) lap += (plus[a] - 2.0 * u + minus[a]) * inv_h2[a];
  return u + dt_d * lap;
}

}  // namespace tessera::testing
