// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/cfd/incompressible_problems.hpp"

#include <cmath>
#include <cstdint>

#include "runtime/counter_rng.hpp"
#include "runtime/for_each.hpp"

namespace tessera::cfd {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Where the kernels find global positions: the lower corner of this rank's
// block and the spacing; face positions are cell centres + dx / 2.
struct Placement {
  double origin[3];  // centre of owned cell 0 along each axis
  double dx[3];
  int offset[3];     // global index of owned cell 0
  int cells[3];      // global cells
};

Placement placement(const IncompConfig& cfg, const CartesianLayout& layout) {
  Placement pl{};
  const Range3 own = layout.owned();
  for (int a = 0; a < 3; ++a) {
    pl.dx[a] = (cfg.upper[a] - cfg.lower[a]) / cfg.cells[a];
    pl.offset[a] = own.lo[a];
    pl.cells[a] = cfg.cells[a];
    pl.origin[a] = cfg.lower[a] + (own.lo[a] + 0.5) * pl.dx[a];
  }
  return pl;
}

// Cell centre of local index i along axis a (faces are at + dx / 2).
TESSERA_HD inline double centre(const Placement& pl, int a, int i) { return pl.origin[a] + i * pl.dx[a]; }

}  // namespace

void initialize_incompressible(const deck::Deck& d, const IncompConfig& cfg, const CartesianLayout& layout,
                               const Device& dev, const IncompParams& p, FieldView<double> u, Span3<double> pressure) {
  const Placement pl = placement(cfg, layout);
  const Range3 own(p.n[0], p.n[1], p.n[2]);
  for_each(dev, own, [=] TESSERA_HD(int i, int j, int k) {
    for (int c = 0; c < 3; ++c) u(c, i, j, k) = 0.0;
    pressure(i, j, k) = 0.0;
  });
  const std::string& type = cfg.problem;
  if (type == "taylor_green") {
    const double v0 = d.real("problem.velocity");
    const bool three_d = cfg.active(2);
    for_each(dev, own, [=] TESSERA_HD(int i, int j, int k) {
      const double x = centre(pl, 0, i), y = centre(pl, 1, j), z = centre(pl, 2, k);
      const double xf = x + 0.5 * pl.dx[0], yf = y + 0.5 * pl.dx[1];
      const double cz = three_d ? std::cos(z) : 1.0;
      u(0, i, j, k) = v0 * std::sin(xf) * std::cos(y) * cz;
      u(1, i, j, k) = -v0 * std::cos(x) * std::sin(yf) * cz;
      pressure(i, j, k) = three_d ? v0 * v0 / 16.0 * (std::cos(2 * x) + std::cos(2 * y)) * (std::cos(2 * z) + 2.0)
                                  : v0 * v0 / 4.0 * (std::cos(2 * x) + std::cos(2 * y));
    });
  } else if (type == "channel") {
    const double ub = cfg.fixed_flow_rate ? cfg.flow_rate : d.real("problem.bulk_velocity");
    const bool laminar = d.string("problem.start") == "laminar";
    const double amp = d.real("problem.perturbation") * ub;
    const CounterRng rng{static_cast<std::uint64_t>(d.integer("problem.seed"))};
    const double yc = 0.5 * (cfg.lower[1] + cfg.upper[1]), h = 0.5 * (cfg.upper[1] - cfg.lower[1]);
    for_each(dev, own, [=] TESSERA_HD(int i, int j, int k) {
      const double eta = (centre(pl, 1, j) - yc) / h;
      const std::uint64_t at = static_cast<std::uint64_t>(pl.offset[0] + i) +
                               static_cast<std::uint64_t>(pl.cells[0]) *
                                   (static_cast<std::uint64_t>(pl.offset[1] + j) +
                                    static_cast<std::uint64_t>(pl.cells[1]) * static_cast<std::uint64_t>(pl.offset[2] + k));
      for (int c = 0; c < 3; ++c) {
        double v = c == 0 && laminar ? 1.5 * ub * (1.0 - eta * eta) : 0.0;
        if (amp > 0 && p.active[c]) v += amp * (2.0 * rng.uniform(static_cast<std::uint64_t>(c), at) - 1.0);
        u(c, i, j, k) = v;
      }
    });
  } else if (type == "shear_layer") {
    const double delta = d.real("problem.thickness"), eps = d.real("problem.amplitude");
    const double ly = cfg.upper[1] - cfg.lower[1], lx = cfg.upper[0] - cfg.lower[0];
    const double x0 = cfg.lower[0], y0 = cfg.lower[1];
    for_each(dev, own, [=] TESSERA_HD(int i, int j, int k) {
      const double ys = (centre(pl, 1, j) - y0) / ly, xs = (centre(pl, 0, i) - x0) / lx;
      u(0, i, j, k) = ys <= 0.5 ? std::tanh((ys - 0.25) / delta) : std::tanh((0.75 - ys) / delta);
      u(1, i, j, k) = eps * std::sin(2 * kPi * xs);
    });
  }
  // lid_driven_cavity and couette start at rest; their walls drive them.
}

void initialize_scalars(const IncompConfig& cfg, const CartesianLayout& layout, const Device& dev,
                        const IncompParams& p, FieldView<double> s) {
  const Placement pl = placement(cfg, layout);
  const double y0 = cfg.lower[1], ly = cfg.upper[1] - cfg.lower[1], w = cfg.scalar_thickness;
  const int n = cfg.scalars;
  for_each(dev, Range3(p.n[0], p.n[1], p.n[2]), [=] TESSERA_HD(int i, int j, int k) {
    const double ys = (centre(pl, 1, j) - y0) / ly;
    const double band = 0.5 * (std::tanh((ys - 0.25) / w) - std::tanh((ys - 0.75) / w));
    for (int q = 0; q < n; ++q) s(q, i, j, k) = band;
  });
}

}  // namespace tessera::cfd
