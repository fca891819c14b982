#pragma once
// LongRange: the reciprocal-space part of Coulomb (Ewald, PPPM) as one force
// compute of the md solver, as LAMMPS's kspace styles are. The solver's pair
// style evaluates the real-space erfc part with g_ewald(); this adds the rest:
// the k-space forces, energy and virial, the self energy
// -qqrd2e g / sqrt(pi) sum q^2 and, for a non-neutral system, the neutralising
// background term -qqrd2e pi (sum q)^2 / (2 g^2 V).
//
// Multi-rank: each rank passes its owned atoms; the implementation moves what
// it needs over the transport (structure factors for Ewald; the charge mesh,
// its ghost layers and the FFT's pencils for PPPM). Results agree across rank
// counts to round-off (1e-10 relative), not bit for bit.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/transport.hpp"
#include "runtime/device.hpp"
#include "runtime/timers.hpp"

namespace tessera::md {

struct LongRangeSpec {
  std::string style = "pppm";       // "ewald" or "pppm"
  double accuracy = 1e-5;           // relative force accuracy, as `kspace_style pppm 1e-5`
  int order = 5;                    // PPPM charge-assignment order, 2 .. 7
  std::array<int, 3> mesh{0, 0, 0};  // PPPM mesh points per axis; 0 = chosen from accuracy
  double g_ewald = 0;               // splitting parameter (1/length); 0 = chosen from accuracy
  double cutoff = 0;                // real-space Coulomb cutoff (chooses g_ewald)
  double qqrd2e = 1;                // q_i q_j / r in the run's energy units (LAMMPS's qqrd2e)
};

// This rank's owned atoms, arrays on the transport's device.
struct ChargedAtoms {
  std::int64_t n = 0;
  const double* x = nullptr;
  const double* y = nullptr;
  const double* z = nullptr;
  const double* q = nullptr;
  double* fx = nullptr;  // long-range forces are added to these
  double* fy = nullptr;
  double* fz = nullptr;
};

// Global sums over all ranks, identical on every rank, in the run's units.
struct LongRangeTerms {
  double energy = 0;
  std::array<double, 6> virial{};  // xx yy zz xy xz yz
};

class LongRange {
 public:
  virtual ~LongRange() = default;
  // At setup and whenever the box (layout) changes. natoms, sum_q and sum_q2
  // are global; they choose g_ewald and the mesh when the spec leaves them to
  // the accuracy, and give the self and background terms.
  virtual void setup(const CartesianLayout& layout, std::int64_t natoms, double sum_q, double sum_q2) = 0;
  virtual LongRangeTerms compute(const ChargedAtoms& atoms, bool energy_and_virial) = 0;
  virtual double g_ewald() const = 0;
  // One line for the log: style, g_ewald, mesh and order, estimated relative force error.
  virtual std::string describe() const = 0;
  virtual std::size_t memory_bytes() const = 0;
  // Optional: time the phases (spreading, mesh exchange, FFTs,
  // interpolation) as regions of `timers` (null: none). Default: no regions.
  virtual void set_timers(Timers* timers) { (void)timers; }
};

// Throws InputError for an unknown style or parameters out of range.
std::unique_ptr<LongRange> make_long_range(const LongRangeSpec& spec, Transport& transport, const Device& dev);

}  // namespace tessera::md

namespace tessera::md::kspace {

// The estimates LAMMPS's kspace styles choose their parameters with (Kolafa
// & Perram for the real-space and Ewald sums, Deserno & Holm for PPPM with
// ik differentiation), in absolute force units (multiply a relative
// accuracy by qqrd2e: the force between two unit charges at unit distance).
struct System {
  std::array<double, 3> length{1, 1, 1};
  std::int64_t natoms = 0;
  double sum_q2 = 0;  // sum of q^2
  double qqrd2e = 1;
  double q2() const { return sum_q2 * qqrd2e; }
  double volume() const { return length[0] * length[1] * length[2]; }
};

// g_ewald from the accuracy and the real-space cutoff (before any adjustment).
double initial_g_ewald(double accuracy, double cutoff, const System& s);
// RMS real-space force error: 2 q2 exp(-g^2 rc^2) / sqrt(N rc V).
double real_space_error(double g_ewald, double cutoff, const System& s);
// PPPM (ik) k-space force error of one axis and of the mesh.
double pppm_axis_error(double h, double length, int order, double g_ewald, const System& s);
double pppm_kspace_error(const std::array<int, 3>& mesh, int order, double g_ewald, const System& s);
// The mesh LAMMPS picks (then raised to sizes with factors 2, 3, 5 only).
std::array<int, 3> pppm_mesh(double accuracy, int order, double g_ewald, const System& s);
// g_ewald at which the real-space and k-space estimates are equal (Newton).
double pppm_balanced_g_ewald(const std::array<int, 3>& mesh, int order, double cutoff, double g_start, const System& s);
// Ewald: k-space error for kmax along one axis, and the kmax per axis.
double ewald_axis_error(int kmax, double length, double g_ewald, const System& s);
std::array<int, 3> ewald_kmax(double accuracy, double g_ewald, const System& s);

}  // namespace tessera::md::kspace
