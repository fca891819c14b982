#include "solvers/cfd/euler_config.hpp"

#include "runtime/error.hpp"
#include "runtime/format.hpp"

namespace tessera::cfd {

namespace {
constexpr const char* kAxis[3] = {"x", "y", "z"};
constexpr const char* kSide[2] = {"lower", "upper"};
const std::vector<std::string> kProblems = {"shock_tube",       "sedov",       "isentropic_vortex",
                                            "kelvin_helmholtz", "taylor_green", "shu_osher", "uniform",
                                            "density_wave"};
}  // namespace

deck::Schema euler_schema() {
  using deck::ValueType;
  deck::Schema s;
  s.table("grid", "uniform Cartesian grid");
  s.add("grid", "cells", ValueType::IntArray).def(std::vector<std::int64_t>{128, 1, 1}).len(3).at_least(1).doc_(
      "cells along x, y, z (1 = axis unused: 1-D and 2-D runs)");
  s.add("grid", "lower", ValueType::FloatArray).def(std::vector<double>{0, 0, 0}).len(3).units("length").doc_(
      "lower corner of the domain");
  s.add("grid", "upper", ValueType::FloatArray).def(std::vector<double>{1, 1, 1}).len(3).units("length").doc_(
      "upper corner of the domain");

  s.table("boundary", "one condition per face: periodic, outflow (zero gradient), reflecting, inflow");
  for (int a = 0; a < 3; ++a)
    for (int side = 0; side < 2; ++side) {
      const std::string face = strfmt("%s_%s", kAxis[a], kSide[side]);
      s.add("boundary", face, ValueType::String).def("periodic").one_of({"periodic", "outflow", "reflecting", "inflow"})
          .doc_("condition on the " + std::string(kSide[side]) + " " + kAxis[a] + " face");
      s.add("boundary", face + "_state", ValueType::FloatArray).make_optional().len(5).doc_(
          "inflow state [density, velocity_x, velocity_y, velocity_z, pressure]");
    }

  s.table("physics", "ideal-gas Euler / Navier-Stokes and the numerical method");
  s.add("physics", "gamma", ValueType::Float).def(1.4).above(1).doc_("ratio of specific heats");
  s.add("physics", "cfl_number", ValueType::Float).def(0.4).above(0).at_most(1).doc_(
      "dt = cfl_number * min over cells and axes of dx / (|v| + c) (and the viscous limit)");
  s.add("physics", "scheme", ValueType::String).def("finite_volume").one_of({"finite_volume", "finite_difference"}).doc_(
      "finite_volume: cell averages, reconstructed primitives and a Riemann flux per face (second order in 2-D/3-D); "
      "finite_difference: point values, conservative WENO5 of Lax-Friedrichs-split fluxes (fifth order in any "
      "dimension; needs reconstruction = weno5, ignores riemann)");
  s.add("physics", "reconstruction", ValueType::String).def("plm").one_of({"pcm", "plm", "ppm", "weno5"}).doc_(
      "face reconstruction of primitive variables");
  s.add("physics", "limiter", ValueType::String).def("vanleer").one_of({"minmod", "vanleer", "mc"}).doc_(
      "slope limiter for plm");
  s.add("physics", "riemann", ValueType::String).def("hllc").one_of({"hllc", "hlle", "rusanov", "roe"}).doc_(
      "approximate Riemann solver");
  s.add("physics", "kernel", ValueType::String).def("auto").one_of({"auto", "fused", "split"}).doc_(
      "finite-volume stage: fused (one pass, each cell computes its own face fluxes: least memory traffic, "
      "faces computed twice), split (face fluxes stored per axis, then the update: each face once), "
      "auto (fused on GPUs, split on CPUs); the results are identical");
  s.add("physics", "integrator", ValueType::String).def("rk2").one_of({"rk2", "rk3"}).doc_(
      "SSP Runge-Kutta time integration");
  s.add("physics", "viscosity", ValueType::Float).def(0.0).at_least(0).units("mass/(length time)").doc_(
      "dynamic viscosity mu (Navier-Stokes when > 0)");
  s.add("physics", "prandtl", ValueType::Float).def(0.72).above(0).doc_(
      "Prandtl number: thermal conduction kappa = mu gamma / ((gamma - 1) Pr) with R = 1");
  s.add("physics", "scalars", ValueType::Int).def(0).range(0, kMaxScalars).doc_("passive scalars advected with the flow");
  s.add("physics", "density_floor", ValueType::Float).def(1e-10).above(0).doc_("smallest density allowed");
  s.add("physics", "pressure_floor", ValueType::Float).def(1e-10).above(0).doc_("smallest pressure allowed");

  s.table("problem", "initial conditions");
  s.add("problem", "type", ValueType::String).one_of(kProblems).doc_("the initial condition");
  auto only = [&](const char* key, ValueType t, const char* type) -> deck::KeySpec& {
    return s.add("problem", key, t).when("type", {type});
  };
  only("axis", ValueType::String, "shock_tube").def("x").one_of({"x", "y", "z"}).doc_("direction of the tube");
  only("interface", ValueType::Float, "shock_tube").def(0.5).units("length").doc_("position of the initial discontinuity");
  only("left", ValueType::FloatArray, "shock_tube").def(std::vector<double>{1.0, 0.0, 1.0}).len(3).doc_(
      "[density, velocity along the axis, pressure] left of the interface (Sod by default)");
  only("right", ValueType::FloatArray, "shock_tube").def(std::vector<double>{0.125, 0.0, 0.1}).len(3).doc_(
      "[density, velocity, pressure] right of the interface");
  only("energy", ValueType::Float, "sedov").def(1.0).above(0).units("energy").doc_("blast energy");
  only("radius", ValueType::Float, "sedov").def(0.0).at_least(0).units("length").doc_(
      "deposition radius; 0 = 3.5 cells");
  only("geometry", ValueType::String, "sedov").def("spherical").one_of({"spherical", "cylindrical", "planar"}).doc_(
      "blast symmetry: spherical (3-D), cylindrical (2-D, about z), planar (1-D)");
  only("ambient_density", ValueType::Float, "sedov").def(1.0).above(0).doc_("rho_0");
  only("ambient_pressure", ValueType::Float, "sedov").def(1e-5).above(0).doc_("pressure outside the blast");
  only("strength", ValueType::Float, "isentropic_vortex").def(5.0).doc_("vortex strength beta (Shu 1998)");
  only("center", ValueType::FloatArray, "isentropic_vortex").def(std::vector<double>{5.0, 5.0}).len(2).doc_(
      "initial vortex centre (x, y)");
  only("flow", ValueType::FloatArray, "isentropic_vortex").def(std::vector<double>{1.0, 1.0}).len(2).doc_(
      "uniform background velocity (x, y)");
  only("density_contrast", ValueType::Float, "kelvin_helmholtz").def(0.0).at_least(0).doc_(
      "Delta rho / rho_0 between the layers (Lecoanet et al. 2016: 0 or 1)");
  s.add("problem", "amplitude", ValueType::Float).when("type", {"kelvin_helmholtz", "density_wave"}).def(0.01).doc_(
      "kelvin_helmholtz: seed perturbation amplitude A; density_wave: density = density + amplitude sin(2 pi x / L_x)");
  only("reynolds", ValueType::Float, "taylor_green").def(1600.0).above(0).doc_(
      "Re = rho0 V0 L / mu (sets viscosity; inf = inviscid)");
  only("mach", ValueType::Float, "taylor_green").def(0.1).above(0).doc_("M = V0 / c0");
  const std::vector<std::string> flat = {"uniform", "density_wave"};
  s.add("problem", "density", ValueType::Float).when("type", flat).def(1.0).above(0).doc_(
      "uniform state density (density_wave: the mean density)");
  s.add("problem", "velocity", ValueType::FloatArray).when("type", flat).def(std::vector<double>{0, 0, 0}).len(3).doc_(
      "uniform velocity");
  s.add("problem", "pressure", ValueType::Float).when("type", flat).def(1.0).above(0).doc_("uniform pressure");
  return s;
}

std::vector<std::string> euler_fields() {
  std::vector<std::string> f = {"density", "velocity_x", "velocity_y", "velocity_z", "pressure"};
  for (int k = 0; k < kMaxScalars; ++k) f.push_back(strfmt("scalar_%d", k));
  return f;
}

EulerConfig EulerConfig::from_deck(const deck::Deck& d) {
  EulerConfig c;
  auto cells = d.integers("grid.cells");
  auto lo = d.reals("grid.lower"), hi = d.reals("grid.upper");
  std::vector<std::string> problems;
  for (int a = 0; a < 3; ++a) {
    c.cells[a] = static_cast<int>(cells[a]);
    c.lower[a] = lo[a];
    c.upper[a] = hi[a];
    if (!(hi[a] > lo[a]))
      problems.push_back(strfmt("[grid] upper must exceed lower along %s (%g <= %g) at %s", kAxis[a], hi[a], lo[a],
                                d.location("grid.upper").c_str()));
  }
  for (int a = 0; a < 3; ++a) {
    for (int side = 0; side < 2; ++side) {
      const std::string key = strfmt("boundary.%s_%s", kAxis[a], kSide[side]);
      const std::string v = d.string(key);
      c.boundary[a][side] = v == "periodic"     ? Boundary::Periodic
                            : v == "outflow"    ? Boundary::Outflow
                            : v == "reflecting" ? Boundary::Reflecting
                                                : Boundary::Inflow;
      if (c.boundary[a][side] == Boundary::Inflow) {
        if (!d.has(key + "_state")) {
          problems.push_back(d.error_at(key, "inflow needs " + key.substr(9) + "_state = [density, vx, vy, vz, pressure]")
                                 .problems()[0]);
        } else {
          auto st = d.reals(key + "_state");
          for (int q = 0; q < 5; ++q) c.inflow[a][side][q] = st[q];
        }
      }
    }
    if ((c.boundary[a][0] == Boundary::Periodic) != (c.boundary[a][1] == Boundary::Periodic) && c.cells[a] > 1)
      problems.push_back(strfmt("[boundary] %s: periodic must be set on both faces or neither (%s_lower at %s)",
                                kAxis[a], kAxis[a], d.location(strfmt("boundary.%s_lower", kAxis[a])).c_str()));
  }
  c.gamma = d.real("physics.gamma");
  c.cfl = d.real("physics.cfl_number");
  const std::string r = d.string("physics.reconstruction");
  c.reconstruction = r == "pcm"   ? hydro::Reconstruction::PCM
                     : r == "plm" ? hydro::Reconstruction::PLM
                     : r == "ppm" ? hydro::Reconstruction::PPM
                                  : hydro::Reconstruction::WENO5;
  const std::string l = d.string("physics.limiter");
  c.limiter = l == "minmod" ? hydro::Limiter::Minmod : l == "mc" ? hydro::Limiter::MC : hydro::Limiter::VanLeer;
  const std::string rs = d.string("physics.riemann");
  c.riemann = rs == "hllc"   ? hydro::RiemannSolver::HLLC
              : rs == "hlle" ? hydro::RiemannSolver::HLLE
              : rs == "roe"  ? hydro::RiemannSolver::Roe
                             : hydro::RiemannSolver::Rusanov;
  c.integrator = d.string("physics.integrator") == "rk3" ? Integrator::RK3 : Integrator::RK2;
  c.scheme = d.string("physics.scheme") == "finite_difference" ? Scheme::FiniteDifference : Scheme::FiniteVolume;
  if (c.scheme == Scheme::FiniteDifference && c.reconstruction != hydro::Reconstruction::WENO5)
    problems.push_back(d.error_at("physics.scheme", "scheme = \"finite_difference\" needs reconstruction = \"weno5\" (got \"" +
                                                        r + "\" at " + d.location("physics.reconstruction") + ")")
                           .problems()[0]);
  const std::string kernel = d.string("physics.kernel");
  c.kernel = kernel == "fused" ? StageKernel::Fused : kernel == "split" ? StageKernel::Split : StageKernel::Auto;
  if (c.scheme == Scheme::FiniteDifference && c.kernel == StageKernel::Fused)
    problems.push_back(d.error_at("physics.kernel", "kernel = \"fused\" is for scheme = \"finite_volume\"; the "
                                                    "finite-difference scheme runs split")
                           .problems()[0]);
  c.viscosity = d.real("physics.viscosity");
  c.prandtl = d.real("physics.prandtl");
  c.scalars = static_cast<int>(d.integer("physics.scalars"));
  c.density_floor = d.real("physics.density_floor");
  c.pressure_floor = d.real("physics.pressure_floor");
  c.problem = d.string("problem.type");
  if (c.problem == "kelvin_helmholtz" && c.scalars < 1) c.scalars = 1;  // the dye
  if (!problems.empty()) throw InputError(problems);
  return c;
}

}  // namespace tessera::cfd
