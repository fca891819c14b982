#pragma once
// The host's pair loop over the half neighbour list (neighbor_list.hpp):
// Newton's third law for owned-owned pairs, the owned side only for
// owned-ghost pairs. Threads take the list's bins in bars of 2 x 2 bins in
// y and z along the whole x extent, bars in 4 colours by (y, z) parity: the
// atoms one bar writes lie within one bin of it, so two bars of a colour
// never write the same atom, and each atom receives its pair terms in an
// order fixed by the bins alone - the same bits at any thread count. The
// zeroing and the four colours are one parallel region (a barrier between
// colours, not a team start each).
//
// Per atom, the neighbours go through in chunks: gather (separations into
// small contiguous arrays), evaluate (a branch-free loop over those arrays
// the compiler vectorises for the Lennard-Jones table), then a scalar pass
// that sums the atom's force in list order and subtracts each term from the
// partner. Each pair term is bit-identical to the full list's (the same
// separation, r^2 and force/r; the partner's term is its exact negative), so
// half and full lists differ only in the order of the sums.
//
// Per-atom energy and virial: an owned-owned pair's whole term goes to the
// atom whose list holds it, an owned-ghost pair's half; their sums over
// atoms are the pair energy and virial, as the full list's halves are.
#include "decomposition/particles.hpp"
#include "physics/md/pair_potential.hpp"
#include "runtime/device.hpp"
#include "solvers/md/neighbor_list.hpp"
#include "solvers/md/pair_force.hpp"

namespace tessera::md {

// `lj_only`: every table entry is a Lennard-Jones pair (the vectorised
// evaluation); `charge_col` < 0 for a neutral pass; without `energy` only
// the forces are written (the same bits as with it).
template <class Real>
void half_list_pairs(const Device& dev, const PairCoeffT<Real>* table, int ntypes, bool lj_only, const Particles& p,
                     int type_col, int charge_col, const NeighborList& nl, const PairOutputs& out, bool energy);

}  // namespace tessera::md
