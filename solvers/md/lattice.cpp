#include "solvers/md/lattice.hpp"

#include <cmath>

#include "runtime/error.hpp"

namespace tessera::md {

namespace {
std::vector<std::array<double, 3>> basis_of(const std::string& kind) {
  if (kind == "fcc") return {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  if (kind == "bcc") return {{0, 0, 0}, {0.5, 0.5, 0.5}};
  if (kind == "sc") return {{0, 0, 0}};
  throw Error("unknown lattice '" + kind + "'");
}
}  // namespace

int lattice_basis(const std::string& kind) { return static_cast<int>(basis_of(kind).size()); }

double lattice_constant(const std::string& kind, double density) {
  return std::cbrt(static_cast<double>(lattice_basis(kind)) / density);
}

double nearest_neighbour_distance(const std::string& kind, double density) {
  const double a = lattice_constant(kind, density);
  if (kind == "fcc") return a / std::sqrt(2.0);
  if (kind == "bcc") return a * std::sqrt(3.0) / 2.0;
  return a;
}

Lattice make_lattice(const std::string& kind, double density, const std::array<int, 3>& cells) {
  const std::vector<std::array<double, 3>> basis = basis_of(kind);
  Lattice l;
  l.cell = lattice_constant(kind, density);
  for (int d = 0; d < 3; ++d) l.box[d] = l.cell * cells[d];
  const std::size_t n = basis.size() * static_cast<std::size_t>(cells[0]) * cells[1] * cells[2];
  l.x.reserve(n), l.y.reserve(n), l.z.reserve(n);
  for (int k = 0; k < cells[2]; ++k)
    for (int j = 0; j < cells[1]; ++j)
      for (int i = 0; i < cells[0]; ++i)
        for (const auto& b : basis) {
          l.x.push_back((i + b[0]) * l.cell);
          l.y.push_back((j + b[1]) * l.cell);
          l.z.push_back((k + b[2]) * l.cell);
        }
  return l;
}

}  // namespace tessera::md
