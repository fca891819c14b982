#include "solvers/md/half_list_pairs.hpp"

#include <algorithm>
#include <cstdint>

#include "runtime/error.hpp"
#include "runtime/for_each_task.hpp"

namespace tessera::md {

namespace {

constexpr int kChunk = 64;  // neighbours per gather/evaluate/scatter round

enum class Mode { LjUniform, LjTyped, Generic, Charged };

template <class Real>
struct Pass {
  const double *x, *y, *z, *q;
  const std::int64_t* type;
  const PairCoeffT<Real>* table;
  int ntypes;
  NeighborView list;
  std::int64_t owned;
  double *fx, *fy, *fz, *e_vdw, *e_coul, *virial;
};

template <class Real, Mode M, bool E>
void atom_pairs(const Pass<Real>& c, int i) {
  constexpr bool charged = M == Mode::Charged;
  const double xi = c.x[i], yi = c.y[i], zi = c.z[i], qi = charged ? c.q[i] : 0.0;
  const PairCoeffT<Real>* row = c.table + (c.type[i] - 1) * c.ntypes;
  const Real a = row[0].a, b = row[0].b, cc = row[0].c, d = row[0].d, offset = row[0].offset, rc2 = row[0].rc2;
  double f0 = 0, f1 = 0, f2 = 0, ev_sum = 0, ec_sum = 0, w_sum = 0;
  const int n = c.list.count(i);
  const std::int32_t* nbr = c.list.list + static_cast<std::int64_t>(i) * c.list.capacity;
  alignas(64) double sx[kChunk], sy[kChunk], sz[kChunk];
  alignas(64) Real r2[kChunk], fr[kChunk], ev[kChunk], ec[kChunk], qq[kChunk];
  alignas(64) int tj[kChunk];
  for (int k0 = 0; k0 < n; k0 += kChunk) {
    const int m = std::min(kChunk, n - k0);
    const std::int32_t* js = nbr + k0;
    for (int k = 0; k < m; ++k) {
      const int j = js[k];
      sx[k] = xi - c.x[j], sy[k] = yi - c.y[j], sz[k] = zi - c.z[j];
      const Real dx = static_cast<Real>(sx[k]), dy = static_cast<Real>(sy[k]), dz = static_cast<Real>(sz[k]);
      r2[k] = dx * dx + dy * dy + dz * dz;
      if constexpr (M != Mode::LjUniform) tj[k] = static_cast<int>(c.type[j] - 1);
      if constexpr (charged) qq[k] = static_cast<Real>(qi * c.q[j]);
    }
    if constexpr (M == Mode::LjUniform) {
      // Branch-free: every lane evaluates, the cutoff selects.
      for (int k = 0; k < m; ++k) {
        const Real s = r2[k], r2i = Real(1) / s, r6i = r2i * r2i * r2i;
        const Real f = r6i * (a * r6i - b) * r2i;
        const bool in = s < rc2;
        fr[k] = in ? f : Real(0);
        if constexpr (E) ev[k] = in ? r6i * (cc * r6i - d) - offset : Real(0);
      }
    } else if constexpr (M == Mode::LjTyped) {
      for (int k = 0; k < m; ++k) {
        const PairCoeffT<Real>& pot = row[tj[k]];
        const Real s = r2[k], r2i = Real(1) / s, r6i = r2i * r2i * r2i;
        const Real f = r6i * (pot.a * r6i - pot.b) * r2i;
        const bool in = s < pot.rc2;
        fr[k] = in ? f : Real(0);
        if constexpr (E) ev[k] = in ? r6i * (pot.c * r6i - pot.d) - pot.offset : Real(0);
      }
    } else if constexpr (M == Mode::Generic) {
      for (int k = 0; k < m; ++k) {
        const PairCoeffT<Real>& pot = row[tj[k]];
        fr[k] = 0, ev[k] = 0;
        if (r2[k] < pot.rc2) pair_evaluate(pot, r2[k], fr[k], ev[k]);
      }
    } else {
      for (int k = 0; k < m; ++k) {
        const PairCoeffT<Real>& pot = row[tj[k]];
        fr[k] = 0, ev[k] = 0, ec[k] = 0;
        if (r2[k] < pair_range2(pot)) pair_evaluate(pot, r2[k], qq[k], fr[k], ev[k], ec[k]);
      }
    }
    // In list order: the atom's own sums, the partner's force.
    for (int k = 0; k < m; ++k) {
      const int j = js[k];
      const double frd = fr[k];
      const double gx = frd * sx[k], gy = frd * sy[k], gz = frd * sz[k];
      f0 += gx, f1 += gy, f2 += gz;
      const bool mine = j < c.owned;
      if constexpr (E) {
        const double share = mine ? 1.0 : 0.5;
        ev_sum += share * static_cast<double>(ev[k]);
        if constexpr (charged) ec_sum += share * static_cast<double>(ec[k]);
        w_sum += share * static_cast<double>(fr[k] * r2[k]);
      }
      if (mine) c.fx[j] -= gx, c.fy[j] -= gy, c.fz[j] -= gz;
    }
  }
  c.fx[i] += f0, c.fy[i] += f1, c.fz[i] += f2;
  if constexpr (E) {
    c.e_vdw[i] += ev_sum;
    if constexpr (charged) c.e_coul[i] += ec_sum;
    c.virial[i] += w_sum;
  }
}

// Bars of 2 x 2 bins in y and z along the whole x extent, in 4 colours by
// their (y, z) parity: a bar writes atoms within one bin of it, so two bars
// of a colour (at least 2 bins apart in y or z) never share one. Within a
// bar the bins go in storage order (the atom sort's), so the neighbours'
// positions stream through cache as in a plain sweep: 2 x 2 x 2 blocks in 8
// colours made each pass jump across the whole box, ~10 % slower at 256k
// atoms (bench/NOTES.md).
//
// One parallel region for the whole pass (for_each_task_phases): phase 0
// zeroes the outputs in fixed chunks, phases 1-4 are the colours, with
// spinning waits between them. A team per loop cost five team starts a
// pass, each waking sleeping threads: at 32000 atoms (~1 ms a colour on one
// core) that was a good part of what a second thread saved (bench/NOTES.md,
// md host).
constexpr int kZeroChunk = 4096;  // atoms per zeroing task

template <class Real, Mode M, bool E>
void colour_passes(const Device& dev, const Pass<Real>& c, const BinView& bins, bool charged) {
  const int bars[2] = {(bins.n[1] + 1) / 2, (bins.n[2] + 1) / 2};
  const std::int64_t owned = c.owned;
  const int zero_tasks = static_cast<int>((owned + kZeroChunk - 1) / kZeroChunk);
  auto count = [&](int colour, int axis) { return (bars[axis] - ((colour >> axis) & 1) + 1) / 2; };
  auto tasks_of = [&](int phase) -> std::int64_t {
    if (phase == 0) return zero_tasks;
    return std::int64_t{count(phase - 1, 0)} * count(phase - 1, 1);
  };
  for_each_task_phases(dev, 5, tasks_of, [&](int phase, int t) {
    if (phase == 0) {
      const int i0 = t * kZeroChunk, i1 = static_cast<int>(std::min<std::int64_t>(owned, i0 + kZeroChunk));
      std::fill(c.fx + i0, c.fx + i1, 0.0);
      std::fill(c.fy + i0, c.fy + i1, 0.0);
      std::fill(c.fz + i0, c.fz + i1, 0.0);
      if (E) {
        std::fill(c.e_vdw + i0, c.e_vdw + i1, 0.0);
        std::fill(c.virial + i0, c.virial + i1, 0.0);
        if (charged) std::fill(c.e_coul + i0, c.e_coul + i1, 0.0);
      }
      return;
    }
    const int colour = phase - 1;
    const int par[2] = {colour & 1, (colour >> 1) & 1};
    const int cnt0 = count(colour, 0);
    const int by = par[0] + 2 * (t % cnt0), bz = par[1] + 2 * (t / cnt0);
    for (int z = 2 * bz; z < std::min(2 * bz + 2, bins.n[2]); ++z)
      for (int y = 2 * by; y < std::min(2 * by + 2, bins.n[1]); ++y) {
        const int row = bins.n[0] * (y + bins.n[1] * z);
        for (int s = bins.starts[row]; s < bins.owned_ends[row + bins.n[0] - 1]; ++s)
          if (bins.order[s] < c.owned) atom_pairs<Real, M, E>(c, bins.order[s]);
      }
  });
}

template <class Real, bool E>
void dispatch(const Device& dev, const Pass<Real>& c, const BinView& bins, bool charged, bool lj_only, int ntypes) {
  if (charged)
    colour_passes<Real, Mode::Charged, E>(dev, c, bins, charged);
  else if (lj_only && ntypes == 1)
    colour_passes<Real, Mode::LjUniform, E>(dev, c, bins, charged);
  else if (lj_only)
    colour_passes<Real, Mode::LjTyped, E>(dev, c, bins, charged);
  else
    colour_passes<Real, Mode::Generic, E>(dev, c, bins, charged);
}

}  // namespace

template <class Real>
void half_list_pairs(const Device& dev, const PairCoeffT<Real>* table, int ntypes, bool lj_only, const Particles& p,
                     int type_col, int charge_col, const NeighborList& nl, const PairOutputs& out, bool energy) {
  TESSERA_REQUIRE(nl.half() && !dev.is_cuda(), "half_list_pairs: a host half list is required");
  if (nl.owned() != p.owned()) throw Error("md: the neighbour list is older than the owned atoms (rebuild it)");
  Pass<Real> c{p.position(0), p.position(1), p.position(2), charge_col >= 0 ? p.real(charge_col) : nullptr,
               p.integer(type_col), table, ntypes, nl.view(), p.owned(),
               out.fx, out.fy, out.fz, out.e_vdw, out.e_coul, out.virial};
  const bool charged = charge_col >= 0;
  const BinView bins = nl.bins();
  if (energy)
    dispatch<Real, true>(dev, c, bins, charged, lj_only, ntypes);
  else
    dispatch<Real, false>(dev, c, bins, charged, lj_only, ntypes);
}

template void half_list_pairs<double>(const Device&, const PairCoeffT<double>*, int, bool, const Particles&, int, int,
                                      const NeighborList&, const PairOutputs&, bool);
template void half_list_pairs<float>(const Device&, const PairCoeffT<float>*, int, bool, const Particles&, int, int,
                                     const NeighborList&, const PairOutputs&, bool);

}  // namespace tessera::md
