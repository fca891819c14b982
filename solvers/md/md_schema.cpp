#include "solvers/md/md_schema.hpp"

#include "io/lammps_data.hpp"
#include "solvers/md/berendsen_barostat.hpp"
#include "solvers/md/box_fit.hpp"

namespace tessera::md {

deck::Schema md_schema() {
  using deck::ValueType;
  deck::Schema s;
  s.table("box", "the initial configuration (in the units of [physics] units)");
  s.add("box", "lattice", ValueType::String).def("fcc").one_of({"fcc", "bcc", "sc", "rocksalt", "cscl"}).doc_(
      "crystal the atoms start on (as LAMMPS `lattice`); rocksalt (NaCl, 8 ions per cell) and cscl (2) put type 1 "
      "and type 2 on their two sublattices");
  s.add("box", "density", ValueType::Float).def(0.8442).above(0).units("length^-3").doc_(
      "number density of the lattice (all atoms); ignored when lattice_constant is set");
  s.add("box", "lattice_constant", ValueType::Float).make_optional().above(0).units("length").doc_(
      "cubic cell length instead of density (LAMMPS `lattice fcc 5.64` in real or metal units)");
  s.add("box", "cells", ValueType::IntArray).def(std::vector<std::int64_t>{10, 10, 10}).len(3).at_least(1).doc_(
      "lattice cells along x, y, z (fcc: 4 atoms each)");
  s.add("box", "data_file", ValueType::String).make_optional().doc_(
      "start from a LAMMPS data file (atom_style atomic, charge or full, orthogonal box; charges and Velocities used "
      "when present; no bonds yet) instead of a lattice");
  s.add("box", "types", ValueType::Int).def(1).at_least(1).doc_(
      "atom types on the lattice, assigned round-robin by site (1 = all type 1; rocksalt and cscl: 2, by sublattice)");

  s.table("physics", "units and pair potential");
  s.add("physics", "units", ValueType::String).def("lj").one_of({"lj", "real", "metal"}).doc_(
      "LAMMPS unit style: lj (reduced), real (g/mol, A, fs, kcal/mol, K, atm, e) or metal (g/mol, A, ps, eV, K, "
      "bar, e), with LAMMPS's constants");
  s.add("physics", "potential", ValueType::String).def("lj").one_of(
      {"lj", "lj/cut", "wca", "morse", "buck", "lj/cut/coul/cut", "lj/cut/coul/long", "coul/cut", "coul/long",
       "buck/coul/long"}).doc_(
      "pair style as LAMMPS names it: lj (= lj/cut, Lennard-Jones 12-6), WCA (LJ cut at 2^(1/6) sigma, shifted), "
      "Morse, Buckingham, each short-range part plus Coulomb cut at coulomb_cutoff (coul/cut) or its real-space "
      "Ewald part erfc(g r) / r (coul/long, with a [kspace] solver)");
  s.add("physics", "epsilon", ValueType::Float).def(1.0).above(0).units("energy").doc_("LJ well depth");
  s.add("physics", "sigma", ValueType::Float).def(1.0).above(0).units("length").doc_("LJ diameter");
  s.add("physics", "cutoff", ValueType::Float).def(2.5).above(0).units("length").doc_(
      "interaction cutoff rc (of the short-range part of a charged style)");
  s.add("physics", "coulomb_cutoff", ValueType::Float).make_optional().above(0).units("length").doc_(
      "Coulomb cutoff of the charged styles (default: cutoff), as LAMMPS's second pair_style argument");
  s.add("physics", "coulomb_erfc", ValueType::String).def("exact").one_of({"exact", "polynomial"}).doc_(
      "erfc of the coul/long styles: exact (the library's, to round-off) or polynomial (Abramowitz-Stegun 7.1.26, "
      "to ~1e-7: LAMMPS's pair_modify table 0, and faster)");
  s.add("physics", "shift", ValueType::Bool).def(false).doc_(
      "shift the short-range energy to zero at the cutoff (Coulomb is never shifted, as LAMMPS)");
  s.add("physics", "tail", ValueType::Bool).def(false).doc_(
      "long-range tail corrections to energy and pressure (LAMMPS pair_modify tail yes)");
  s.add("physics", "morse_d0", ValueType::Float).def(1.0).above(0).when("potential", {"morse"}).doc_("Morse well depth");
  s.add("physics", "morse_alpha", ValueType::Float).def(5.0).above(0).when("potential", {"morse"}).doc_(
      "Morse stiffness");
  s.add("physics", "morse_r0", ValueType::Float).def(1.0).above(0).when("potential", {"morse"}).doc_(
      "Morse equilibrium distance");
  s.add("physics", "buck_a", ValueType::FloatArray).make_optional().at_least(0).units("energy").doc_(
      "Buckingham A per type pair, in LAMMPS pair_coeff order 1-1, 1-2, .., 1-n, 2-2, .., n-n (one value: all pairs)");
  s.add("physics", "buck_rho", ValueType::FloatArray).make_optional().above(0).units("length").doc_(
      "Buckingham rho per type pair, as buck_a");
  s.add("physics", "buck_c", ValueType::FloatArray).make_optional().at_least(0).units("energy length^6").doc_(
      "Buckingham C per type pair, as buck_a");
  s.add("physics", "type_charge", ValueType::FloatArray).make_optional().doc_(
      "charge per atom type (units of e; lj: reduced), for lattice starts and atom_style atomic data files");
  s.add("physics", "mass", ValueType::Float).def(1.0).above(0).units("mass").doc_("atom mass (all types)");
  s.add("physics", "type_mass", ValueType::FloatArray).make_optional().above(0).units("mass").doc_(
      "mass per atom type, overrides mass (a data file's Masses section gives them instead)");
  s.add("physics", "type_epsilon", ValueType::FloatArray).make_optional().above(0).doc_(
      "per-type epsilon (several atom types; pairs mix by `mixing`), overrides epsilon");
  s.add("physics", "type_sigma", ValueType::FloatArray).make_optional().above(0).doc_(
      "per-type sigma, as type_epsilon");
  s.add("physics", "mixing", ValueType::String).def("geometric").one_of({"geometric", "arithmetic"}).doc_(
      "epsilon_ij = sqrt(e_i e_j); sigma_ij = sqrt(s_i s_j) (geometric) or (s_i + s_j)/2 (arithmetic, Lorentz-Berthelot)");
  s.add("physics", "precision", ValueType::String).def("double").one_of({"double", "mixed"}).doc_(
      "pair arithmetic: mixed forms each separation in double, then does r^2, the cutoff test, force and energy in "
      "float, summing forces, energy and virial in double (positions stay double; as LAMMPS GPU/KOKKOS mixed)");

  s.table("neighbor", "Verlet lists (as LAMMPS neighbor / neigh_modify)");
  s.add("neighbor", "skin", ValueType::Float).def(0.3).at_least(0).units("length").doc_("list range = cutoff + skin");
  s.add("neighbor", "every", ValueType::Int).def(1).at_least(1).units("steps").doc_("consider a rebuild every N steps");
  s.add("neighbor", "delay", ValueType::Int).def(0).at_least(0).units("steps").doc_("no rebuild within N steps of the last");
  s.add("neighbor", "check", ValueType::Bool).def(true).doc_(
      "rebuild only when some atom moved more than half the skin");

  s.table("thermostat", "temperature control (none = NVE)");
  s.add("thermostat", "type", ValueType::String).def("none").one_of({"none", "langevin", "nose_hoover", "bussi"})
      .doc_("none (velocity Verlet, NVE), Langevin, Nose-Hoover chain (3 thermostats), or Bussi (CSVR)");
  s.add("thermostat", "temperature", ValueType::Float).def(1.0).above(0).doc_("target temperature");
  s.add("thermostat", "damping", ValueType::Float).def(1.0).above(0).units("time").doc_("relaxation time 1/gamma");
  s.add("thermostat", "seed", ValueType::Int).def(12345).at_least(0).doc_(
      "random seed (counter-based: the same forces at any rank count and on any backend)");

  s.table("problem", "initial velocities");
  s.add("problem", "temperature", ValueType::Float).def(1.44).at_least(0).doc_(
      "initial temperature, exact with 3N - 3 degrees of freedom and zero total momentum");
  s.add("problem", "seed", ValueType::Int).def(87287).at_least(0).doc_("velocity seed");
  s.add("output", "h5md", ValueType::Bool).def(false).doc_(
      "also append every snapshot to an H5MD 1.1 trajectory, <output_dir>/trajectory.h5md (MDAnalysis, OVITO, VMD)");
  add_barostat_keys(s);

  s.table("kspace", "long-range Coulomb (as LAMMPS kspace_style); needs a coul/long pair style");
  s.add("kspace", "style", ValueType::String).def("none").one_of({"none", "ewald", "pppm"}).doc_(
      "none, Ewald summation, or PPPM (particle-particle particle-mesh)");
  s.add("kspace", "accuracy", ValueType::Float).def(1e-5).above(0).doc_(
      "relative force accuracy (LAMMPS `kspace_style pppm 1e-5`): chooses g_ewald, mesh and k-vectors left unset");
  s.add("kspace", "order", ValueType::Int).def(5).at_least(2).at_most(7).doc_("PPPM charge-assignment order");
  s.add("kspace", "mesh", ValueType::IntArray).make_optional().len(3).at_least(1).doc_(
      "PPPM mesh points along x, y, z (kspace_modify mesh); default: from accuracy");
  s.add("kspace", "g_ewald", ValueType::Float).make_optional().above(0).units("1/length").doc_(
      "Ewald splitting parameter (kspace_modify gewald); default: from accuracy and the Coulomb cutoff. With style "
      "= none it gives the coul/long pair styles their erfc damping alone (real-space part only, for tests)");
  return s;
}

std::vector<std::string> md_fields() { return {"velocity", "force", "charge", "molecule"}; }

void check_charge_keys(const deck::Deck& d) {
  const std::string style = d.string("physics.potential");
  const bool coul_long = style.ends_with("coul/long"), kspace = d.string("kspace.style") != "none";
  if (kspace && !coul_long)
    throw d.error_at("kspace.style", "a k-space solver needs a coul/long pair style (lj/cut/coul/long, coul/long, "
                                     "buck/coul/long) for the real-space part; the pair style is " + style);
  if (coul_long && !kspace && !d.has("kspace.g_ewald"))
    throw d.error_at("physics.potential", "the pair style " + style +
                                              " is the real-space part of Ewald/PPPM: set [kspace] style = \"ewald\" "
                                              "or \"pppm\" (or, for tests, [kspace] g_ewald alone)");
  if (d.has("physics.coulomb_cutoff") && !deck_style_is_charged(d))
    throw d.error_at("physics.coulomb_cutoff", "the pair style " + style + " has no Coulomb part");
  const bool buck = style.rfind("buck", 0) == 0;
  for (const char* k : {"physics.buck_a", "physics.buck_rho", "physics.buck_c"}) {
    if (buck && !d.has(k))
      throw d.error_at("physics.potential",
                       "the style " + style + " needs " + k + " (Buckingham A, rho, C per type pair)");
    if (!buck && d.has(k)) throw d.error_at(k, "Buckingham coefficients, but the pair style is " + style);
  }
  std::string file_style;
  bool file_charges = false;
  if (d.has("box.data_file") && (d.has("physics.type_charge") || deck_style_is_charged(d) || kspace)) {
    const io::LammpsData data = io::read_lammps_data(d.string("box.data_file"));
    file_charges = !data.q.empty(), file_style = data.style;
  }
  if (file_charges && d.has("physics.type_charge"))
    throw d.error_at("physics.type_charge",
                     "the data file (atom_style " + file_style + ") gives every atom its charge; remove type_charge");
  if ((deck_style_is_charged(d) || kspace) && !file_charges && !d.has("physics.type_charge"))
    throw d.error_at("physics.potential", "the pair style " + style +
                                              " acts on charges, but none are given: set [physics] type_charge or "
                                              "start from a data file with atom_style charge or full");
}

bool md_deck_is_charged(const deck::Deck& d) {
  if (deck_style_is_charged(d) || d.string("kspace.style") != "none" || d.has("physics.type_charge")) return true;
  return d.has("box.data_file") && !io::read_lammps_data(d.string("box.data_file")).q.empty();
}

}  // namespace tessera::md
