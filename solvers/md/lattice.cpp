#include "solvers/md/lattice.hpp"

#include <cmath>

#include "runtime/error.hpp"

namespace tessera::md {

namespace {
struct Site {
  double x, y, z;
  int species;
};

std::vector<Site> basis_of(const std::string& kind) {
  if (kind == "fcc") return {{0, 0, 0, 1}, {0.5, 0.5, 0, 1}, {0.5, 0, 0.5, 1}, {0, 0.5, 0.5, 1}};
  if (kind == "bcc") return {{0, 0, 0, 1}, {0.5, 0.5, 0.5, 1}};
  if (kind == "sc") return {{0, 0, 0, 1}};
  if (kind == "rocksalt")
    return {{0, 0, 0, 1},     {0.5, 0.5, 0, 1}, {0.5, 0, 0.5, 1}, {0, 0.5, 0.5, 1},
            {0.5, 0, 0, 2},   {0, 0.5, 0, 2},   {0, 0, 0.5, 2},   {0.5, 0.5, 0.5, 2}};
  if (kind == "cscl") return {{0, 0, 0, 1}, {0.5, 0.5, 0.5, 2}};
  throw Error("unknown lattice '" + kind + "'");
}
}  // namespace

int lattice_basis(const std::string& kind) { return static_cast<int>(basis_of(kind).size()); }

double lattice_constant(const std::string& kind, double density) {
  return std::cbrt(static_cast<double>(lattice_basis(kind)) / density);
}

bool lattice_is_binary(const std::string& kind) { return kind == "rocksalt" || kind == "cscl"; }

double nearest_neighbour_distance_for_constant(const std::string& kind, double a) {
  if (kind == "fcc") return a / std::sqrt(2.0);
  if (kind == "bcc" || kind == "cscl") return a * std::sqrt(3.0) / 2.0;
  if (kind == "rocksalt") return a / 2.0;
  return a;
}

double nearest_neighbour_distance(const std::string& kind, double density) {
  return nearest_neighbour_distance_for_constant(kind, lattice_constant(kind, density));
}

Lattice make_lattice(const std::string& kind, double density, const std::array<int, 3>& cells) {
  return make_lattice_with_constant(kind, lattice_constant(kind, density), cells);
}

Lattice make_lattice_with_constant(const std::string& kind, double cell, const std::array<int, 3>& cells) {
  const std::vector<Site> basis = basis_of(kind);
  Lattice l;
  l.cell = cell;
  for (int d = 0; d < 3; ++d) l.box[d] = l.cell * cells[d];
  const std::size_t n = basis.size() * static_cast<std::size_t>(cells[0]) * cells[1] * cells[2];
  l.x.reserve(n), l.y.reserve(n), l.z.reserve(n), l.species.reserve(n);
  for (int k = 0; k < cells[2]; ++k)
    for (int j = 0; j < cells[1]; ++j)
      for (int i = 0; i < cells[0]; ++i)
        for (const Site& b : basis) {
          l.x.push_back((i + b.x) * l.cell);
          l.y.push_back((j + b.y) * l.cell);
          l.z.push_back((k + b.z) * l.cell);
          l.species.push_back(b.species);
        }
  return l;
}

}  // namespace tessera::md
