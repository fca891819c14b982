#pragma once
// The one seam between nbody's gravity methods and everything they share.
// A ForceProvider turns the owned bodies' positions (and, for Hermite,
// velocities) into accelerations and potentials; the nbody solver
// (nbody_solver.cu) owns the bodies, the integrators, the initial
// conditions, diagnostics and snapshots, and registers one solver per
// provider: nbody.direct (direct_forces.cu), nbody.tree (tree_forces.cu).
// A provider owns its own state (ring buffers, the tree, transports).
#include <cstdint>
#include <memory>
#include <string>

#include "solvers/nbody/gravity_forces.hpp"
#include "solvers/solver.hpp"

namespace tessera::deck {
class Deck;
}

namespace tessera::nbody {

// Device pointers to the owned bodies (n of them) at the positions the
// forces are wanted at; vx..vz only read by providers that give a jerk.
struct BodyColumns {
  const double *x, *y, *z, *m;
  const double *vx, *vy, *vz;
  std::int64_t n;
};

// Device pointers, n each; OVERWRITTEN by compute. jx..jz are null unless the
// provider gives a jerk. phi_i = -G sum_j m_j g(r_ij) (without the 1/2).
struct ForceOutputs {
  double *ax, *ay, *az, *pot;
  double *jx = nullptr, *jy = nullptr, *jz = nullptr;
  // Providers that balance ranks by work (nbody.tree): on entry each body's
  // work in the last pass (all zero: none yet), overwritten with this
  // pass's. A particle column, so a restart balances as the straight run did.
  double* cost = nullptr;
};

class ForceProvider {
 public:
  virtual ~ForceProvider() = default;
  // Collective over ranks: every rank calls it with its own bodies.
  virtual void compute(const BodyColumns& b, const ForceOutputs& out) = 0;
  // Work per force evaluation for the run's figure of merit.
  virtual FigureOfMerit figure_of_merit() const = 0;
};

// What a provider is made from: the deck, the run, the softened pair and the
// global body count (each rank owns a contiguous share of the initial order).
struct ProviderContext {
  const deck::Deck* deck;
  const RunContext* run;
  GravityParams gravity;
  std::int64_t total = 0;
  bool jerk = false;  // the integrator needs the jerk (Hermite)
};

using ProviderFactory = std::unique_ptr<ForceProvider> (*)(const ProviderContext&);

}  // namespace tessera::nbody
