#pragma once
// The smallest box md.lj runs in. Each rank's ghosts come from its face
// neighbours in one hop, and on one rank from one periodic image of the box,
// so every axis must be at least the list range, cutoff + skin. Several
// periodic images (as LAMMPS allows) would need ghosts of ghosts across the
// whole box; until then a shorter box is refused, saying what it needs.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "io/deck.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "solvers/md/lattice.hpp"

namespace tessera::md {

// Whether the deck's pair style has a Coulomb part (lj/cut/coul/long, ...).
inline bool deck_style_is_charged(const deck::Deck& d) {
  return d.string("physics.potential").find("coul") != std::string::npos;
}

// The Coulomb cutoff of a charged style: coulomb_cutoff, else cutoff.
inline double deck_coulomb_cutoff(const deck::Deck& d) {
  return d.has("physics.coulomb_cutoff") ? d.real("physics.coulomb_cutoff") : d.real("physics.cutoff");
}

// Whether a run of this deck carries charges: a charged pair style, a
// [kspace] solver, per-type charges, or a data file with a charge column.
bool md_deck_is_charged(const deck::Deck& d);

// The cubic cell of a lattice start: [box] lattice_constant, else from density.
inline double deck_lattice_constant(const deck::Deck& d) {
  if (d.has("box.lattice_constant")) return d.real("box.lattice_constant");
  return lattice_constant(d.string("box.lattice"), d.real("box.density"));
}

// The largest pair cutoff the deck gives: `cutoff` (and the Coulomb cutoff of
// a charged style), or for WCA 2^(1/6) times the largest sigma (a mixed
// sigma_ij never exceeds the larger of sigma_i, sigma_j under either mixing
// rule).
inline double deck_interaction_range(const deck::Deck& d) {
  if (deck_style_is_charged(d)) return std::max(d.real("physics.cutoff"), deck_coulomb_cutoff(d));
  if (d.string("physics.potential") != "wca") return d.real("physics.cutoff");
  double sigma = d.real("physics.sigma");
  if (d.has("physics.type_sigma"))
    for (double s : d.reals("physics.type_sigma")) sigma = std::max(sigma, s);
  return std::pow(2.0, 1.0 / 6.0) * sigma;
}

// "" when every axis of `box` holds cutoff + skin, else what is short.
inline std::string box_shortfall(const std::array<double, 3>& box, double cutoff, double skin) {
  const char* axis[3] = {"x", "y", "z"};
  std::string short_axes;
  for (int a = 0; a < 3; ++a)
    if (box[a] < cutoff + skin) short_axes += std::string(short_axes.empty() ? "" : ", ") + axis[a];
  if (short_axes.empty()) return {};
  return strfmt("the box is %.6g x %.6g x %.6g but md.lj needs at least cutoff + skin = %.6g + %.6g = %.6g along "
                "every axis, on any number of ranks (each atom's ghosts come from one periodic image of the box); "
                "too short along %s",
                box[0], box[1], box[2], cutoff, skin, cutoff + skin, short_axes.c_str());
}

// For `tessera check` and setup: a lattice start whose box is too small is
// an input error naming the cells it needs (a data file's box is checked
// once read, in setup).
inline void check_lattice_box(const deck::Deck& d) {
  if (d.has("box.data_file")) return;
  const std::string kind = d.string("box.lattice");
  const double a = deck_lattice_constant(d);
  const std::vector<std::int64_t> cells = d.integers("box.cells");
  const std::array<double, 3> box = {a * static_cast<double>(cells[0]), a * static_cast<double>(cells[1]),
                                     a * static_cast<double>(cells[2])};
  const double cutoff = deck_interaction_range(d), skin = d.real("neighbor.skin");
  const std::string why = box_shortfall(box, cutoff, skin);
  if (why.empty()) return;
  const auto need = static_cast<long long>(std::ceil((cutoff + skin) / a));
  const std::string at = d.has("box.lattice_constant") ? std::string("with lattice constant")
                                                       : strfmt("at density %g", d.real("box.density"));
  throw d.error_at("box.cells", strfmt("%lld x %lld x %lld %s cells %s (a = %.6g): %s; use at least %lld "
                                       "cells along each short axis, or a shorter cutoff or skin",
                                       static_cast<long long>(cells[0]), static_cast<long long>(cells[1]),
                                       static_cast<long long>(cells[2]), kind.c_str(), at.c_str(), a,
                                       why.c_str(), need));
}

}  // namespace tessera::md
