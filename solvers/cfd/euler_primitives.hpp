#pragma once
// The primitive state of one cfd.euler cell, with floors: the body of
// compute_primitives, shared by its per-cell kernel (GPUs) and the host's row
// kernel (euler_host_stage.cpp), which runs it for the rows whose fast
// vectorised pass found a floor or a non-finite value.
#include <cstdint>

#include "physics/eos/ideal_gas.hpp"
#include "physics/hydro/state.hpp"
#include "runtime/macros.hpp"
#include "runtime/span.hpp"
#include "solvers/cfd/euler_kernels.hpp"

namespace tessera::cfd {

// NaN and infinities fail x - x == 0 (std::isfinite is not a device function).
TESSERA_HD inline bool is_finite(double v) { return v - v == 0.0; }

// W of cell (i, j, k) from U, floors applied to both; status bits of owned cells.
TESSERA_HD inline void primitives_of_cell(const EulerParams& p, FieldView<double> u, FieldView<double> w,
                                          Span3<std::uint8_t> status, int i, int j, int k) {
  using namespace hydro;
  const IdealGas eos{p.gamma};
  double uc[5], wc[5];
  for (int c = 0; c < 5; ++c) uc[c] = u(c, i, j, k);
  std::uint8_t flags = 0;
  bool finite = true;
  for (int c = 0; c < 5; ++c) finite = finite && is_finite(uc[c]);
  if (!finite) flags |= kInvalid;
  if (!(uc[IDN] >= p.rho_floor)) {
    if (finite) flags |= kDensityFloor;
    uc[IDN] = p.rho_floor;
  }
  eos.cons_to_prim(uc, wc);
  if (!(wc[IPR] >= p.p_floor)) {
    if (finite) flags |= kPressureFloor;
    wc[IPR] = p.p_floor;
  }
  if (flags & (kDensityFloor | kPressureFloor)) {
    // Keep U consistent with the floored state: what the update starts from.
    eos.prim_to_cons(wc, uc);
    for (int c = 0; c < 5; ++c) u(c, i, j, k) = uc[c];
  }
  for (int c = 0; c < 5; ++c) w(c, i, j, k) = wc[c];
  for (int s = 0; s < p.nscalar; ++s) w(5 + s, i, j, k) = u(5 + s, i, j, k) / uc[IDN];
  const bool owned = i >= 0 && i < p.n[0] && j >= 0 && j < p.n[1] && k >= 0 && k < p.n[2];
  if (owned && flags) status(i, j, k) |= flags;
}

}  // namespace tessera::cfd
