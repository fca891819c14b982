#include "solvers/md/berendsen_barostat.hpp"

#include <cmath>
#include <string>

#include "runtime/error.hpp"
#include "runtime/format.hpp"

namespace tessera::md {

void add_barostat_keys(deck::Schema& s) {
  using deck::ValueType;
  s.table("barostat", "pressure control, NPT with a thermostat (none = constant volume)");
  s.add("barostat", "type", ValueType::String).def("none").one_of({"none", "berendsen"}).doc_(
      "none, or Berendsen weak coupling (LAMMPS fix press/berendsen): no conserved quantity, volume fluctuations "
      "not those of NPT");
  s.add("barostat", "pressure", ValueType::Float).when("type", {"berendsen"}).units("epsilon/sigma^3").doc_(
      "target pressure P_target");
  s.add("barostat", "damping", ValueType::Float).above(0).when("type", {"berendsen"}).units("time").doc_(
      "tau_P, the pressure relaxation time (LAMMPS Pdamp)");
  s.add("barostat", "modulus", ValueType::Float).def(10.0).above(0).when("type", {"berendsen"}).units(
      "epsilon/sigma^3").doc_("bulk modulus B in mu^3 = 1 - dt/tau_P (P_target - P)/B (LAMMPS modulus, default 10)");
  s.add("barostat", "coupling", ValueType::String).def("iso").one_of({"iso"}).when("type", {"berendsen"}).doc_(
      "iso: x, y, z dilated together from the scalar pressure (aniso would need the pressure tensor, which the pair "
      "kernel does not accumulate)");
  s.add("barostat", "every", ValueType::Int).def(1).at_least(1).when("type", {"berendsen"}).units("steps").doc_(
      "dilate every N steps, by the coupling over the N dt elapsed");
}

void check_barostat_keys(const deck::Deck& d) {
  if (d.string("barostat.type") != "berendsen") return;
  const double tau = d.real("barostat.damping");
  const auto every = d.integer("barostat.every");
  if (d.has("run.dt") && tau < static_cast<double>(every) * d.real("run.dt"))
    throw d.error_at("barostat.damping", strfmt("tau_P = %g is shorter than the coupling interval every * dt = %g: "
                                                "the box would overshoot",
                                                tau, static_cast<double>(every) * d.real("run.dt")));
  if (d.boolean("output.h5md"))
    throw d.error_at("output.h5md", "the H5MD trajectory records one fixed box; with a barostat the box changes: "
                                    "use the particle snapshots (their /box follows it)");
}

BerendsenBarostat BerendsenBarostat::from_deck(const deck::Deck& d) {
  check_barostat_keys(d);
  BerendsenBarostat b;
  b.enabled = d.string("barostat.type") == "berendsen";
  if (!b.enabled) return b;
  b.pressure = d.real("barostat.pressure");
  b.damping = d.real("barostat.damping");
  b.modulus = d.real("barostat.modulus");
  b.every = d.integer("barostat.every");
  return b;
}

double BerendsenBarostat::dilation(double p, double elapsed) const {
  const double cube = 1.0 - elapsed / damping * (pressure - p) / modulus;
  if (!(cube > 0) || !std::isfinite(cube))
    throw Error(strfmt("Berendsen barostat: pressure %g against a target of %g gives a box dilation^3 of %g; the "
                       "state is far from the target for this coupling: raise [barostat] damping or modulus",
                       p, pressure, cube));
  return std::cbrt(cube);
}

}  // namespace tessera::md
