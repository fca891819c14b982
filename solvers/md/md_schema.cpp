#include "solvers/md/md_schema.hpp"

#include "solvers/md/berendsen_barostat.hpp"

namespace tessera::md {

deck::Schema md_schema() {
  using deck::ValueType;
  deck::Schema s;
  s.table("box", "the initial configuration (LJ reduced units throughout)");
  s.add("box", "lattice", ValueType::String).def("fcc").one_of({"fcc", "bcc", "sc"}).doc_(
      "crystal the atoms start on (as LAMMPS `lattice`)");
  s.add("box", "density", ValueType::Float).def(0.8442).above(0).units("sigma^-3").doc_("reduced number density");
  s.add("box", "cells", ValueType::IntArray).def(std::vector<std::int64_t>{10, 10, 10}).len(3).at_least(1).doc_(
      "lattice cells along x, y, z (fcc: 4 atoms each)");
  s.add("box", "data_file", ValueType::String).make_optional().doc_(
      "start from a LAMMPS data file (atom_style atomic, orthogonal box; Velocities used when present) instead of a lattice");
  s.add("box", "types", ValueType::Int).def(1).at_least(1).doc_(
      "atom types on the lattice, assigned round-robin by site (1 = all type 1)");

  s.table("physics", "pair potential");
  s.add("physics", "potential", ValueType::String).def("lj").one_of({"lj", "wca", "morse"}).doc_(
      "Lennard-Jones 12-6, WCA (LJ cut at 2^(1/6) sigma, shifted), or Morse");
  s.add("physics", "epsilon", ValueType::Float).def(1.0).above(0).units("energy").doc_("LJ well depth");
  s.add("physics", "sigma", ValueType::Float).def(1.0).above(0).units("length").doc_("LJ diameter");
  s.add("physics", "cutoff", ValueType::Float).def(2.5).above(0).units("sigma").doc_("interaction cutoff rc");
  s.add("physics", "shift", ValueType::Bool).def(false).doc_("shift the energy to zero at the cutoff");
  s.add("physics", "tail", ValueType::Bool).def(false).doc_(
      "long-range tail corrections to energy and pressure (LAMMPS pair_modify tail yes)");
  s.add("physics", "morse_d0", ValueType::Float).def(1.0).above(0).when("potential", {"morse"}).doc_("Morse well depth");
  s.add("physics", "morse_alpha", ValueType::Float).def(5.0).above(0).when("potential", {"morse"}).doc_(
      "Morse stiffness");
  s.add("physics", "morse_r0", ValueType::Float).def(1.0).above(0).when("potential", {"morse"}).doc_(
      "Morse equilibrium distance");
  s.add("physics", "mass", ValueType::Float).def(1.0).above(0).doc_("atom mass (all types)");
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
  s.add("neighbor", "skin", ValueType::Float).def(0.3).at_least(0).units("sigma").doc_("list range = cutoff + skin");
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
  return s;
}

std::vector<std::string> md_fields() { return {"velocity", "force"}; }

}  // namespace tessera::md
