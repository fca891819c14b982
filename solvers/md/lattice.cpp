#include "solvers/md/lattice.hpp"

#include <cmath>

#include "runtime/error.hpp"

namespace tessera::md {

Lattice make_lattice(const std::string& kind, double density, const std::array<int, 3>& cells) {
  std::vector<std::array<double, 3>> basis;
  if (kind == "fcc") basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  else if (kind == "bcc") basis = {{0, 0, 0}, {0.5, 0.5, 0.5}};
  else if (kind == "sc") basis = {{0, 0, 0}};
  else throw Error("unknown lattice '" + kind + "'");
  Lattice l;
  l.cell = std::cbrt(static_cast<double>(basis.size()) / density);
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
