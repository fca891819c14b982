#pragma once
// Crystal lattices for md.lj's initial state, as LAMMPS builds them
// (`lattice fcc 0.8442` + `region box block 0 N 0 N 0 N`): the cubic cell
// length follows from the reduced number density, atoms fill N^3 cells.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::md {

struct Lattice {
  double cell = 1;                        // cubic lattice constant
  std::array<double, 3> box{1, 1, 1};     // box lengths (lower corner at 0)
  std::vector<double> x, y, z;            // all sites, in a fixed order
};

// kind: "fcc" (4 atoms per cell), "bcc" (2) or "sc" (1).
Lattice make_lattice(const std::string& kind, double density, const std::array<int, 3>& cells);

// Atoms per cubic cell of `kind` (throws for an unknown kind).
int lattice_basis(const std::string& kind);
// The cubic cell length at a number density: (atoms per cell / density)^(1/3).
double lattice_constant(const std::string& kind, double density);
// Nearest-neighbour distance: a / sqrt(2) (fcc), a sqrt(3) / 2 (bcc), a (sc).
double nearest_neighbour_distance(const std::string& kind, double density);

}  // namespace tessera::md
