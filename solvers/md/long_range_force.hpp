#pragma once
// The long-range force compute of the md solver (LAMMPS's kspace style): the
// [kspace] table's Ewald or PPPM (solvers/md/long_range.hpp) wired to the
// atoms. It sums the charges once (global N, sum q, sum q^2), sets the solver
// up at the start and whenever the box changes, adds the k-space forces to
// the owned atoms' forces each step, and keeps the energy and virial of the
// last step that asked for them, for thermo and pressure.
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/particles.hpp"
#include "decomposition/transport.hpp"
#include "io/deck.hpp"
#include "runtime/buffer.hpp"
#include "runtime/device.hpp"
#include "solvers/md/long_range.hpp"

namespace tessera::md {

// [kspace] as a LongRangeSpec (style none gives style "none").
LongRangeSpec long_range_spec(const deck::Deck& d, double coulomb_cutoff, double qqrd2e);

class LongRangeForce {
 public:
  LongRangeForce(const LongRangeSpec& spec, Transport& transport, const Device& dev);

  // The charge sums over all ranks (owned atoms), then the solver's setup.
  void setup(const CartesianLayout& layout, const Particles& p, int charge_col, std::int64_t natoms);
  // The same charges in a new box.
  void set_box(const CartesianLayout& layout);
  // Adds the k-space forces to the force column; energy and virial when asked
  // (then terms() holds them, for `step`).
  void compute(Particles& p, int charge_col, int force_col, bool energy_and_virial, std::int64_t step);
  // The energy and virial at `step` without touching the forces: recomputed
  // into scratch forces unless compute() already gave them for that step.
  const LongRangeTerms& terms_at(Particles& p, int charge_col, std::int64_t step);

  // The solver's own timing regions (spread, FFTs, ...) go into `timers`.
  void set_timers(Timers* timers) { impl_->set_timers(timers); }
  double g_ewald() const { return impl_->g_ewald(); }
  std::string describe() const { return impl_->describe(); }
  double sum_q() const { return sum_q_; }
  std::size_t memory_bytes() const { return impl_->memory_bytes(); }

 private:
  std::unique_ptr<LongRange> impl_;
  Device dev_;
  std::int64_t natoms_ = 0, terms_step_ = -1;
  double sum_q_ = 0, sum_q2_ = 0;
  LongRangeTerms terms_;
  std::array<Buffer<double>, 3> scratch_;
};

}  // namespace tessera::md
