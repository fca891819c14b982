#pragma once
// The pair force compute of the md solver (LAMMPS's pair style): the per
// type-pair coefficient table built from the deck's [physics] keys, and the
// pass over the Verlet list that gives each owned atom its force, its half of
// each pair's energy (short-range and Coulomb apart) and virial. The
// evaluators themselves are pure functions in physics/md.
#include <cstdint>
#include <string>
#include <vector>

#include "decomposition/particles.hpp"
#include "io/deck.hpp"
#include "physics/md/pair_potential.hpp"
#include "physics/md/units.hpp"
#include "runtime/buffer.hpp"
#include "runtime/device.hpp"
#include "solvers/md/neighbor_list.hpp"

namespace tessera::md {

// Where one pass writes: per owned atom, the force components and
// short-range energy, Coulomb energy and virial sum r.f, whose sums over
// atoms are the pair totals (a full list gives each partner half of every
// pair; a half list, half_list_pairs.hpp, gives an owned-owned pair's whole
// term to one partner). e_coul is written only by a charged pass.
struct PairOutputs {
  double *fx = nullptr, *fy = nullptr, *fz = nullptr;
  double *e_vdw = nullptr, *e_coul = nullptr, *virial = nullptr;
};

class PairForce {
 public:
  PairForce() = default;
  // `system_types`: the largest atom type the run holds. Throws InputError
  // (naming the key) for coefficients that do not cover it or that the
  // style cannot use.
  PairForce(const deck::Deck& d, const Device& dev, const UnitSystem& units, int system_types);

  const std::string& style() const { return style_; }
  int types() const { return ntypes_; }
  double range() const { return range_; }            // largest cutoff over all pairs and both parts
  double well_depth() const { return well_depth_; }  // deepest short-range well (run guard's scale)
  bool charged() const { return coul_ != CoulKind::None; }
  bool coul_long() const { return coul_ == CoulKind::Long; }
  double coulomb_cutoff() const { return rc_coul_; }
  bool mixed() const { return mixed_; }

  // The splitting parameter of the coul/long styles (from the k-space solver).
  void set_g_ewald(double g);
  double g_ewald() const { return g_ewald_; }

  // Long-range tail corrections of an unshifted LJ at number density rho
  // (zero without [physics] tail): energy per atom and pressure (energy /
  // volume: the caller converts).
  double tail_energy_per_atom(double rho) const;
  double tail_pressure(double rho) const;

  // Overwrites `out` for every owned atom. `charge` is the charge column
  // (-1 for a neutral run, which must not have a charged style). Without
  // `energy` the host's half-list pass leaves the energies and virial
  // alone (LAMMPS's eflag/vflag: most steps need forces only); the full
  // list writes them always. The forces are the same bits either way.
  void compute(const Particles& p, int type_col, int charge_col, const NeighborList& list, const PairOutputs& out,
               bool energy = true) const;

  // The coefficients of types a, b (1-based), for tests and the log.
  const PairCoeff& coeff(int a, int b) const { return host_[static_cast<std::size_t>((a - 1) * ntypes_ + b - 1)]; }

 private:
  void upload();

  Device dev_;
  std::string style_ = "lj";
  CoulKind coul_ = CoulKind::None;
  int ntypes_ = 1;
  double range_ = 0, well_depth_ = 0, rc_coul_ = 0, g_ewald_ = 0;
  bool mixed_ = false, tail_ = false;
  bool lj_only_ = false;  // every table entry Lennard-Jones: the host's vectorised loop
  double tail_epsilon_ = 1, tail_sigma_ = 1, tail_rc_ = 1;
  std::vector<PairCoeff> host_;
  Buffer<PairCoeff> table_;  // ntypes x ntypes
  Buffer<PairCoeffT<float>> table_single_;
};

}  // namespace tessera::md
