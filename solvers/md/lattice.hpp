#pragma once
// Crystal lattices for md's initial state, as LAMMPS builds them
// (`lattice fcc 0.8442` + `region box block 0 N 0 N 0 N`): the cubic cell
// length follows from the number density (or is given), atoms fill N^3 cells.
// Two-species crystals for ionic tests: rocksalt (NaCl: two interpenetrating
// fcc lattices, type 1 at the corners, type 2 shifted by a/2 along x; 8 ions
// per cell) and cscl (type 1 at the corners, type 2 at the body centre).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::md {

struct Lattice {
  double cell = 1;                        // cubic lattice constant
  std::array<double, 3> box{1, 1, 1};     // box lengths (lower corner at 0)
  std::vector<double> x, y, z;            // all sites, in a fixed order
  std::vector<int> species;               // per site: 1, or 1 / 2 by sublattice (rocksalt, cscl)
};

// kind: "fcc" (4 atoms per cell), "bcc" (2), "sc" (1), "rocksalt" (8, two
// species) or "cscl" (2, two species).
Lattice make_lattice(const std::string& kind, double density, const std::array<int, 3>& cells);
// The same with the cubic cell length given (LAMMPS `lattice fcc 5.64` in
// real or metal units).
Lattice make_lattice_with_constant(const std::string& kind, double cell, const std::array<int, 3>& cells);
// Whether the lattice has two species (its sites carry types 1 and 2).
bool lattice_is_binary(const std::string& kind);

// Atoms per cubic cell of `kind` (throws for an unknown kind).
int lattice_basis(const std::string& kind);
// The cubic cell length at a number density: (atoms per cell / density)^(1/3).
double lattice_constant(const std::string& kind, double density);
// Nearest-neighbour distance: a / sqrt(2) (fcc), a sqrt(3) / 2 (bcc, cscl),
// a (sc), a / 2 (rocksalt).
double nearest_neighbour_distance(const std::string& kind, double density);
double nearest_neighbour_distance_for_constant(const std::string& kind, double cell);

}  // namespace tessera::md
