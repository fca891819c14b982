#pragma once
// cfd.incompressible's settings, read once from the deck: the grid, the
// boundary condition of each face, the physics and the problem. Problems
// with walls of their own (lid_driven_cavity, channel, couette) supply
// default boundaries; keys the deck sets explicitly win.
#include <array>
#include <string>
#include <vector>

#include "io/deck.hpp"
#include "io/schema.hpp"

namespace tessera::cfd {

enum class IncompBoundary { Periodic, NoSlip, FreeSlip };

constexpr int kMaxIncompScalars = 8;
enum class Advection { SkewSymmetric, Divergence };

struct IncompConfig {
  std::array<int, 3> cells{1, 1, 1};
  std::array<double, 3> lower{0, 0, 0}, upper{1, 1, 1};
  // [axis][side]: side 0 lower, 1 upper.
  IncompBoundary boundary[3][2] = {};
  double wall_velocity[3][2][3] = {};  // tangential velocity of each wall

  double viscosity = 0;  // kinematic
  double cfl = 0.5;
  double dt = 0;  // > 0: fixed step
  Advection advection = Advection::SkewSymmetric;
  std::array<double, 3> pressure_gradient{0, 0, 0};  // body force -dp/dx
  bool fixed_flow_rate = false;
  double flow_rate = 0;  // bulk velocity along x when fixed_flow_rate
  int scalars = 0;                 // passive scalars (cell-centred)
  double scalar_diffusivity = 0;   // kappa, the same for every scalar
  double scalar_thickness = 0.05;  // of the initial band's edges, relative to the y length

  std::string problem;

  bool active(int a) const { return cells[a] > 1; }
  bool wall(int a, int side) const { return boundary[a][side] != IncompBoundary::Periodic; }

  // Throws InputError naming the keys for combinations the schema cannot
  // express: a periodic face paired with a wall, a wall velocity with a
  // normal component, a flow rate without a periodic x axis.
  static IncompConfig from_deck(const deck::Deck& d);
};

deck::Schema incompressible_schema();
// Names [output] fields may use.
std::vector<std::string> incompressible_fields();

}  // namespace tessera::cfd
