#pragma once
// Stops an md.lj run that no longer simulates anything, naming the step and
// the likely cause, and counts dangerous neighbour-list builds.
//
// Absurd: |pe per atom| or k_B T beyond kAbsurdEnergy times the deepest well
// of the pair table (epsilon_ij, or Morse's D0). No sane Lennard-Jones state
// comes near it: an fcc crystal at density 3, far beyond any LJ equation-of-
// state or shock study, holds 363 epsilon per atom, and the bound is reached
// near density 6.4; in.lj starts at -6.8 and T = 1.44. A lattice at density
// 50 starts at 3.8e7 per atom.
//
// Lost: an atom moved farther than the list range (cutoff + skin) since the
// list was built, so it crossed the whole shell its list describes, or some
// position is no longer finite. Halfway is not an error: LAMMPS's in.lj
// (check = false, every 20) moves atoms up to 0.48 sigma between its rebuilds,
// more than the whole skin; that shows as dangerous builds instead.
//
// Dangerous build (as LAMMPS counts them): a rebuild at which some atom had
// moved more than half the skin since the last build, with no check in
// between that found every atom within it; the list may have missed pairs.
// With check = true that is a rebuild at the first check after the last one
// (LAMMPS's rule); with check = false every rebuild is measured too (LAMMPS
// measures nothing there and reports 0).
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"

namespace tessera::md {

inline constexpr double kAbsurdEnergy = 1e4;

class RunGuard {
 public:
  RunGuard() = default;
  // well_depth: the largest epsilon_ij (or D0); dt: the run's step; start:
  // how the atoms were placed, for the cause of a failure at step 0 (for
  // example "the fcc lattice at density 50 puts nearest neighbours 0.3047
  // apart; lower [box] density"); crowded: whether that start also explains
  // a later blow-up (neighbours well inside the repulsive core).
  RunGuard(double well_depth, double dt, std::string start, bool crowded)
      : well_(well_depth), dt_(dt), start_(std::move(start)), crowded_(crowded) {}

  double energy_limit() const { return kAbsurdEnergy * well_; }

  // Throws when the potential energy per atom or the temperature is not
  // finite or beyond energy_limit().
  void check_energy(std::int64_t step, double pe_per_atom, double temperature) const {
    const char* what = nullptr;
    double value = 0;
    if (!std::isfinite(pe_per_atom) || std::fabs(pe_per_atom) > energy_limit())
      what = "potential energy per atom", value = pe_per_atom;
    else if (!std::isfinite(temperature) || temperature > energy_limit())
      what = "temperature", value = temperature;
    if (!what) return;
    throw Error(strfmt("md.lj: stopped at step %lld: the %s is %.6g, %s: %s", static_cast<long long>(step), what, value,
                       std::isfinite(value) ? strfmt("beyond %.3g (%g times the deepest well, %g epsilon): no sane "
                                                     "Lennard-Jones state reaches that",
                                                     energy_limit(), kAbsurdEnergy, well_)
                                                  .c_str()
                                            : "not finite",
                       cause(step).c_str()));
  }

  // Throws when an atom moved farther than the list range since the build at
  // step `built`, or its position is no longer finite (moved = inf).
  void check_displacement(std::int64_t step, std::int64_t built, double moved, double list_range) const {
    if (moved <= list_range) return;
    const std::string how = std::isfinite(moved)
                                ? strfmt("an atom moved %.4g in the %lld step(s) since the neighbour list was "
                                         "built at step %lld, farther than the list range cutoff + skin = %.4g",
                                         moved, static_cast<long long>(step - built), static_cast<long long>(built),
                                         list_range)
                                : std::string("an atom's position is no longer finite");
    throw Error(strfmt("md.lj: stopped at step %lld: %s: %s", static_cast<long long>(step), how.c_str(),
                       cause(step).c_str()));
  }

  // A rebuild after an atom moved `moved` (more than `margin`) since the
  // build at step `built` with no check in between: counted; the first one
  // is a warning.
  void dangerous_build(std::int64_t step, std::int64_t built, double moved, double margin) {
    if (dangerous_++ > 0) return;
    logging::warn(strfmt("md.lj: dangerous neighbour-list build at step %lld: an atom moved %.4g since the list "
                         "was built at step %lld, more than half the skin (%.4g) with no check in between, so pairs "
                         "may have been missed; check every step ([neighbor] every = 1, check = true), enlarge the "
                         "skin or shorten dt. The diagnostics column dangerous_builds counts them",
                         static_cast<long long>(step), moved, static_cast<long long>(built), margin));
  }

  std::int64_t dangerous_builds() const { return dangerous_; }
  void restore_dangerous_builds(std::int64_t n) { dangerous_ = n; }

 private:
  // The likely cause of a failure at `step`.
  std::string cause(std::int64_t step) const {
    if (step == 0) return "atoms overlap at the start: " + start_;
    return strfmt("the integration blew up: [run] dt = %g is likely too large for these forces (LJ runs take about "
                  "0.005)%s",
                  dt_, crowded_ ? (", or the atoms started too close: " + start_).c_str() : "");
  }

  double well_ = 1, dt_ = 0;
  std::string start_;
  bool crowded_ = false;
  std::int64_t dangerous_ = 0;
};

}  // namespace tessera::md
