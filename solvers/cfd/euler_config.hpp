#pragma once
// cfd.euler's settings, read once from the deck: what the kernels capture.
#include <array>
#include <string>
#include <vector>

#include "io/deck.hpp"
#include "io/schema.hpp"
#include "physics/reconstruct/limiters.hpp"
#include "physics/reconstruct/reconstruction.hpp"
#include "physics/riemann/riemann.hpp"

namespace tessera::cfd {

enum class Boundary { Periodic, Outflow, Reflecting, Inflow };
enum class Integrator { RK2, RK3 };
// finite_volume: cell averages, reconstruction + Riemann flux at face midpoints
// (second order in multi-D). finite_difference: point values at cell centres,
// conservative FD WENO5 with Lax-Friedrichs flux splitting (Shu & Osher 1988,
// 1989; Jiang & Shu 1996): fifth order in any dimension on smooth flows.
enum class Scheme { FiniteVolume, FiniteDifference };
// How a finite-volume stage runs: Auto picks Fused on GPUs and Split on CPUs.
enum class StageKernel { Auto, Fused, Split };

constexpr int kMaxScalars = 8;

struct EulerConfig {
  std::array<int, 3> cells{1, 1, 1};
  std::array<double, 3> lower{0, 0, 0}, upper{1, 1, 1};
  // [axis][side]: side 0 lower, 1 upper.
  Boundary boundary[3][2] = {};
  double inflow[3][2][5] = {};  // primitive state for Inflow faces

  double gamma = 1.4;
  double cfl = 0.4;
  hydro::Reconstruction reconstruction = hydro::Reconstruction::PLM;
  hydro::Limiter limiter = hydro::Limiter::VanLeer;
  hydro::RiemannSolver riemann = hydro::RiemannSolver::HLLC;
  Integrator integrator = Integrator::RK2;
  Scheme scheme = Scheme::FiniteVolume;
  StageKernel kernel = StageKernel::Auto;
  double viscosity = 0;  // dynamic viscosity mu
  double prandtl = 0.72;
  int scalars = 0;
  double density_floor = 1e-10, pressure_floor = 1e-10;

  std::string problem;

  int ghosts() const { return hydro::stencil_ghosts(reconstruction); }
  int variables() const { return 5 + scalars; }

  // Throws InputError (with deck locations) for combinations the schema
  // cannot express: one-sided periodicity, inflow without a state.
  static EulerConfig from_deck(const deck::Deck& d);
};

deck::Schema euler_schema();
// Names [output] fields may use.
std::vector<std::string> euler_fields();

}  // namespace tessera::cfd
