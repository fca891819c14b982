#pragma once
// Berendsen barostat (Berendsen et al., J. Chem. Phys. 81, 3684 (1984)), as
// LAMMPS `fix press/berendsen`: every N steps the box and every position are
// dilated about the box centre by
//   mu = [1 - (N dt / tau_P) (P_target - P) / B]^(1/3),
// P the instantaneous pressure (virial + kinetic + tail), B a guess of the
// bulk modulus. Weak coupling: P relaxes to its target over ~tau_P, but
// nothing is conserved and the volume fluctuations are not those of the NPT
// ensemble (too small), as LAMMPS warns: use it to reach a density or a mean
// pressure, not to sample volume fluctuations.
#include <cstdint>

#include "io/deck.hpp"
#include "io/schema.hpp"

namespace tessera::md {

// The [barostat] table of md.lj's deck.
void add_barostat_keys(deck::Schema& s);
// What the schema cannot say (InputError naming the key): tau_P at least
// the coupling interval every * dt; no H5MD trajectory, whose box is fixed.
// Registered with md.lj, so `tessera check` refuses what the run would.
void check_barostat_keys(const deck::Deck& d);

struct BerendsenBarostat {
  bool enabled = false;
  double pressure = 0, damping = 1, modulus = 10;
  std::int64_t every = 1;

  static BerendsenBarostat from_deck(const deck::Deck& d);
  bool due(std::int64_t step) const { return enabled && step % every == 0; }
  // The dilation of each box length after `elapsed` time at pressure `p`.
  // Throws tessera::Error when the step would invert the box (the pressure
  // is so far from the target that the linearised coupling breaks down).
  double dilation(double p, double elapsed) const;
};

}  // namespace tessera::md
