#include "solvers/md/long_range.hpp"

#include <cmath>

#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "solvers/md/ewald.hpp"
#include "solvers/md/pppm.hpp"

namespace tessera::md {

std::unique_ptr<LongRange> make_long_range(const LongRangeSpec& spec, Transport& transport, const Device& dev) {
  if (spec.style == "pppm") return std::make_unique<Pppm>(spec, transport, dev);
  if (spec.style == "ewald") return std::make_unique<Ewald>(spec, transport, dev);
  throw InputError("kspace style '" + spec.style + "': one of \"ewald\", \"pppm\"");
}

namespace kspace {

namespace {
constexpr double kPi = 3.14159265358979323846;

// Deserno & Holm's coefficients of the ik-differentiated PPPM error
// (J. Chem. Phys. 109, 7694 (1998)), by order.
const double kErrorCoefficients[8][7] = {
    {0, 0, 0, 0, 0, 0, 0},
    {2.0 / 3.0, 0, 0, 0, 0, 0, 0},
    {1.0 / 50.0, 5.0 / 294.0, 0, 0, 0, 0, 0},
    {1.0 / 588.0, 7.0 / 1440.0, 21.0 / 3872.0, 0, 0, 0, 0},
    {1.0 / 4320.0, 3.0 / 1936.0, 7601.0 / 2271360.0, 143.0 / 28800.0, 0, 0, 0},
    {1.0 / 23232.0, 7601.0 / 13628160.0, 143.0 / 69120.0, 517231.0 / 106536960.0, 106640677.0 / 11737571328.0, 0, 0},
    {691.0 / 68140800.0, 13.0 / 57600.0, 47021.0 / 35512320.0, 9694607.0 / 2095994880.0,
     733191589.0 / 59609088000.0, 326190917.0 / 11700633600.0, 0},
    {1.0 / 345600.0, 3617.0 / 35512320.0, 745739.0 / 838397952.0, 56399353.0 / 12773376000.0,
     25091609.0 / 1560084480.0, 1755948832039.0 / 36229939200000.0, 4887769399.0 / 37838389248.0},
};

bool factorable(int n) {
  for (int f : {2, 3, 5})
    while (n % f == 0) n /= f;
  return n == 1;
}
}  // namespace

double initial_g_ewald(double accuracy, double cutoff, const System& s) {
  const double g = accuracy * std::sqrt(static_cast<double>(s.natoms) * cutoff * s.volume()) / (2.0 * s.q2());
  if (g >= 1.0) return (1.35 - 0.15 * std::log(accuracy)) / cutoff;
  return std::sqrt(-std::log(g)) / cutoff;
}

double real_space_error(double g, double cutoff, const System& s) {
  return 2.0 * s.q2() * std::exp(-g * g * cutoff * cutoff) /
         std::sqrt(static_cast<double>(s.natoms) * cutoff * s.volume());
}

double pppm_axis_error(double h, double length, int order, double g, const System& s) {
  if (s.natoms == 0) return 0.0;
  double sum = 0.0;
  for (int m = 0; m < order; ++m) sum += kErrorCoefficients[order][m] * std::pow(h * g, 2.0 * m);
  return s.q2() * std::pow(h * g, static_cast<double>(order)) *
         std::sqrt(g * length * std::sqrt(2.0 * kPi) * sum / static_cast<double>(s.natoms)) / (length * length);
}

double pppm_kspace_error(const std::array<int, 3>& mesh, int order, double g, const System& s) {
  double sum = 0.0;
  for (int d = 0; d < 3; ++d) {
    const double e = pppm_axis_error(s.length[d] / mesh[d], s.length[d], order, g, s);
    sum += e * e;
  }
  return std::sqrt(sum / 3.0);
}

std::array<int, 3> pppm_mesh(double accuracy, int order, double g, const System& s) {
  std::array<int, 3> n{};
  for (int d = 0; d < 3; ++d) {
    // LAMMPS's loop, kept as it is (the error is taken before the step), so
    // the same accuracy gives the same mesh.
    double h = 1.0 / g;
    n[d] = static_cast<int>(s.length[d] / h) + 1;
    double err = pppm_axis_error(h, s.length[d], order, g, s);
    while (err > accuracy) {
      err = pppm_axis_error(h, s.length[d], order, g, s);
      ++n[d];
      h = s.length[d] / n[d];
      if (n[d] > (1 << 16)) throw InputError(strfmt("kspace pppm: no mesh reaches accuracy %g", accuracy));
    }
    while (!factorable(n[d])) ++n[d];
  }
  return n;
}

double pppm_balanced_g_ewald(const std::array<int, 3>& mesh, int order, double cutoff, double g, const System& s) {
  // LAMMPS's Newton iteration (forward-difference derivative, step 1e-6;
  // stops when the two estimates differ by less than 1e-5 absolute).
  auto f = [&](double gg) { return real_space_error(gg, cutoff, s) - pppm_kspace_error(mesh, order, gg, s); };
  for (int i = 0; i < 10000; ++i) {
    const double f1 = f(g);
    const double df = (f(g + 1e-6) - f1) / 1e-6;
    g -= f1 / df;
    if (std::abs(f(g)) < 1e-5) return g;
  }
  throw InputError("kspace pppm: could not balance g_ewald between the real-space and mesh errors");
}

double ewald_axis_error(int kmax, double length, double g, const System& s) {
  const double natoms = s.natoms > 0 ? static_cast<double>(s.natoms) : 1.0;
  return 2.0 * s.q2() * g / length * std::sqrt(1.0 / (kPi * kmax * natoms)) *
         std::exp(-kPi * kPi * kmax * kmax / (g * g * length * length));
}

std::array<int, 3> ewald_kmax(double accuracy, double g, const System& s) {
  std::array<int, 3> k{};
  for (int d = 0; d < 3; ++d) {
    k[d] = 1;
    while (ewald_axis_error(k[d], s.length[d], g, s) > accuracy) {
      if (++k[d] > 4096) throw InputError(strfmt("kspace ewald: no k-vector set reaches accuracy %g", accuracy));
    }
  }
  return k;
}

}  // namespace kspace

}  // namespace tessera::md
