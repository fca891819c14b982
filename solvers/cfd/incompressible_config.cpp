#include "solvers/cfd/incompressible_config.hpp"

#include <cmath>

#include "runtime/error.hpp"
#include "runtime/format.hpp"

namespace tessera::cfd {

namespace {
constexpr const char* kAxis[3] = {"x", "y", "z"};
constexpr const char* kSide[2] = {"lower", "upper"};
const std::vector<std::string> kProblems = {"taylor_green", "lid_driven_cavity", "channel", "couette", "shear_layer"};

// The walls a problem brings when the deck leaves a face on "auto".
IncompBoundary problem_default(const std::string& problem, int axis, bool three_d) {
  if (problem == "lid_driven_cavity") return axis < 2 || three_d ? IncompBoundary::NoSlip : IncompBoundary::Periodic;
  if (problem == "channel" || problem == "couette") return axis == 1 ? IncompBoundary::NoSlip : IncompBoundary::Periodic;
  return IncompBoundary::Periodic;
}
}  // namespace

deck::Schema incompressible_schema() {
  using deck::ValueType;
  deck::Schema s;
  s.table("grid", "uniform Cartesian staggered (MAC) grid: pressure at cell centres, velocities on faces");
  s.add("grid", "cells", ValueType::IntArray).def(std::vector<std::int64_t>{64, 64, 1}).len(3).at_least(1).doc_(
      "cells along x, y, z (z = 1: a 2-D run)");
  s.add("grid", "lower", ValueType::FloatArray).def(std::vector<double>{0, 0, 0}).len(3).units("length").doc_(
      "lower corner of the domain");
  s.add("grid", "upper", ValueType::FloatArray).def(std::vector<double>{1, 1, 1}).len(3).units("length").doc_(
      "upper corner of the domain");

  s.table("boundary", "one condition per face: periodic, no_slip (a wall, moving with <face>_velocity), free_slip");
  for (int a = 0; a < 3; ++a)
    for (int side = 0; side < 2; ++side) {
      const std::string face = strfmt("%s_%s", kAxis[a], kSide[side]);
      s.add("boundary", face, ValueType::String).def("auto").one_of({"auto", "periodic", "no_slip", "free_slip"})
          .doc_("condition on the " + std::string(kSide[side]) + " " + kAxis[a] +
                " face; auto = the problem's (walls for lid_driven_cavity, channel and couette, else periodic)");
      s.add("boundary", face + "_velocity", ValueType::FloatArray).make_optional().len(3).units("length/time").doc_(
          "velocity [u, v, w] of a no_slip wall; only tangential components (a moving lid or Couette plate)");
    }

  s.table("physics", "incompressible Navier-Stokes, constant density, and the numerical method");
  s.add("physics", "viscosity", ValueType::Float).def(0.01).at_least(0).units("length^2/time").doc_(
      "kinematic viscosity nu");
  s.add("physics", "cfl_number", ValueType::Float).def(0.5).above(0).at_most(1.7).doc_(
      "dt = cfl_number / max over cells of sum |u_a| / dx_a, and at most the RK3 viscous limit");
  s.add("physics", "dt", ValueType::Float).def(0.0).at_least(0).units("time").doc_(
      "fixed time step when > 0 (cfl_number and the viscous limit are then not applied)");
  s.add("physics", "advection", ValueType::String).def("skew_symmetric").one_of({"skew_symmetric", "divergence"}).doc_(
      "advection form: skew_symmetric (energy-conserving for any velocity) or divergence (conservative; energy-"
      "conserving when the velocity is discretely divergence-free)");
  s.add("physics", "pressure_gradient", ValueType::FloatArray).def(std::vector<double>{0, 0, 0}).len(3).units(
      "length/time^2").doc_("constant body force -dp/dx (drives a channel)");
  s.add("physics", "flow_rate", ValueType::Float).make_optional().units("length/time").doc_(
      "holds the bulk (mean) velocity along x at this value, the forcing adjusted every stage (x periodic)");

  s.add("physics", "scalars", ValueType::Int).def(0).range(0, kMaxIncompScalars).doc_(
      "passive scalars, advected (in the advection form above) and diffused; walls are zero-flux; each starts as "
      "a band of 1 over the middle half of y (0 outside), written as scalar_0, scalar_1, ...");
  s.add("physics", "scalar_diffusivity", ValueType::Float).def(0.0).at_least(0).units("length^2/time").doc_(
      "diffusivity kappa of every passive scalar");
  s.add("physics", "scalar_thickness", ValueType::Float).def(0.05).above(0).doc_(
      "tanh thickness of the initial band's edges, relative to the domain's y length (central differences "
      "need a few cells across it)");

  s.table("problem", "initial conditions");
  s.add("problem", "type", ValueType::String).one_of(kProblems).doc_("the initial condition");
  s.add("problem", "velocity", ValueType::Float).when("type", {"taylor_green"}).def(1.0).doc_(
      "V0: u = V0 sin x cos y (cos z), v = -V0 cos x sin y (cos z); 2-D (exact decaying vortex) when cells z = 1");
  s.add("problem", "lid_velocity", ValueType::Float).when("type", {"lid_driven_cavity"}).def(1.0).doc_(
      "speed of the lid (the y upper wall) along x; Re = lid_velocity L / viscosity");
  s.add("problem", "plate_velocity", ValueType::Float).when("type", {"couette"}).def(1.0).doc_(
      "speed of the y upper plate along x; the flow starts at rest");
  s.add("problem", "start", ValueType::String).when("type", {"channel"}).def("laminar").one_of({"laminar", "rest"}).doc_(
      "laminar: the Poiseuille profile of the bulk velocity; rest: u = 0");
  s.add("problem", "bulk_velocity", ValueType::Float).when("type", {"channel"}).def(1.0).doc_(
      "bulk velocity of the laminar start (flow_rate, when set, takes its place)");
  s.add("problem", "perturbation", ValueType::Float).when("type", {"channel"}).def(0.0).at_least(0).doc_(
      "random perturbation of each velocity component, relative to the bulk velocity (projected to be "
      "divergence-free); about 0.3 trips turbulence at Re_tau 180");
  s.add("problem", "seed", ValueType::Int).when("type", {"channel"}).def(1).doc_(
      "perturbation seed (the same field at any rank count)");
  s.add("problem", "thickness", ValueType::Float).when("type", {"shear_layer"}).def(1.0 / 30.0).above(0).doc_(
      "shear-layer thickness delta on the unit box: u = tanh((y - 1/4) / delta) below y = 1/2, "
      "tanh((3/4 - y) / delta) above (Bell, Colella & Glaz 1989; 1/80 for the thin layer)");
  s.add("problem", "amplitude", ValueType::Float).when("type", {"shear_layer"}).def(0.05).doc_(
      "v = amplitude sin(2 pi x) seeds the roll-up");
  return s;
}

std::vector<std::string> incompressible_fields() {
  std::vector<std::string> f = {"velocity_x", "velocity_y", "velocity_z", "pressure", "vorticity", "q_criterion"};
  for (int k = 0; k < kMaxIncompScalars; ++k) f.push_back(strfmt("scalar_%d", k));
  return f;
}

IncompConfig IncompConfig::from_deck(const deck::Deck& d) {
  IncompConfig c;
  std::vector<std::string> problems;
  auto add = [&](const InputError& e) {
    for (const auto& p : e.problems()) problems.push_back(p);
  };
  auto cells = d.integers("grid.cells");
  auto lo = d.reals("grid.lower"), hi = d.reals("grid.upper");
  for (int a = 0; a < 3; ++a) {
    c.cells[a] = static_cast<int>(cells[a]);
    c.lower[a] = lo[a];
    c.upper[a] = hi[a];
    if (!(hi[a] > lo[a]))
      add(d.error_at("grid.upper", strfmt("upper must exceed lower along %s (%g <= %g)", kAxis[a], hi[a], lo[a])));
  }
  c.problem = d.string("problem.type");
  const bool three_d = c.cells[2] > 1;
  for (int a = 0; a < 3; ++a) {
    for (int side = 0; side < 2; ++side) {
      const std::string key = strfmt("boundary.%s_%s", kAxis[a], kSide[side]);
      const std::string v = d.string(key);
      c.boundary[a][side] = v == "auto"       ? problem_default(c.problem, a, three_d)
                            : v == "periodic" ? IncompBoundary::Periodic
                            : v == "no_slip"  ? IncompBoundary::NoSlip
                                              : IncompBoundary::FreeSlip;
      if (d.has(key + "_velocity")) {
        auto vel = d.reals(key + "_velocity");
        if (c.boundary[a][side] != IncompBoundary::NoSlip)
          add(d.error_at(key + "_velocity", "a wall velocity needs " + key.substr(9) + " = \"no_slip\""));
        else if (vel[a] != 0.0)
          add(d.error_at(key + "_velocity", strfmt("the wall-normal component (%s) must be 0: walls do not move "
                                                   "through the fluid", kAxis[a])));
        for (int q = 0; q < 3; ++q) c.wall_velocity[a][side][q] = q == a ? 0.0 : vel[q];
      }
    }
    if (c.active(a) && c.wall(a, 0) != c.wall(a, 1)) {
      const int periodic_side = c.wall(a, 0) ? 1 : 0;
      add(d.error_at(strfmt("boundary.%s_%s", kAxis[a], kSide[periodic_side]),
                     strfmt("a periodic face needs a periodic partner, but %s_%s is a wall (%s)", kAxis[a],
                            kSide[1 - periodic_side],
                            d.location(strfmt("boundary.%s_%s", kAxis[a], kSide[1 - periodic_side])).c_str())));
    }
  }
  // Problem-given wall velocities, unless the deck sets them.
  if (c.problem == "lid_driven_cavity") {
    if (c.boundary[1][1] != IncompBoundary::NoSlip)
      add(d.error_at("boundary.y_upper", "lid_driven_cavity needs the lid, y_upper, to be no_slip"));
    if (!d.has("boundary.y_upper_velocity")) c.wall_velocity[1][1][0] = d.real("problem.lid_velocity");
  }
  if (c.problem == "couette") {
    if (c.boundary[1][1] != IncompBoundary::NoSlip || c.boundary[1][0] != IncompBoundary::NoSlip)
      add(d.error_at("boundary.y_upper", "couette needs no_slip walls on both y faces"));
    if (!d.has("boundary.y_upper_velocity")) c.wall_velocity[1][1][0] = d.real("problem.plate_velocity");
  }
  if (c.problem == "channel" && (c.boundary[1][0] != IncompBoundary::NoSlip || c.boundary[1][1] != IncompBoundary::NoSlip))
    add(d.error_at("boundary.y_lower", "channel needs no_slip walls on both y faces"));
  if ((c.problem == "channel" || c.problem == "couette" || c.problem == "lid_driven_cavity") && !c.active(1))
    add(d.error_at("grid.cells", c.problem + " needs more than one cell along y (its walls are the y faces)"));

  c.viscosity = d.real("physics.viscosity");
  c.cfl = d.real("physics.cfl_number");
  c.dt = d.real("physics.dt");
  c.advection = d.string("physics.advection") == "divergence" ? Advection::Divergence : Advection::SkewSymmetric;
  c.scalars = static_cast<int>(d.integer("physics.scalars"));
  c.scalar_diffusivity = d.real("physics.scalar_diffusivity");
  c.scalar_thickness = d.real("physics.scalar_thickness");
  auto g = d.reals("physics.pressure_gradient");
  for (int a = 0; a < 3; ++a) c.pressure_gradient[a] = g[a];
  if (d.has("physics.flow_rate")) {
    c.fixed_flow_rate = true;
    c.flow_rate = d.real("physics.flow_rate");
    if (c.wall(0, 0) || !c.active(0))
      add(d.error_at("physics.flow_rate", "a fixed flow rate along x needs x periodic with more than one cell"));
  }
  if (!problems.empty()) throw InputError(problems);
  return c;
}

}  // namespace tessera::cfd
