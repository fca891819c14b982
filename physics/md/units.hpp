#pragma once
// LAMMPS's unit styles (`units lj | real | metal`) as the constants its
// update.cpp sets, so data files and parameters move over unchanged:
//   boltz   k_B in energy / temperature
//   mvv2e   mass * velocity^2 -> energy
//   ftm2v   force * time / mass -> velocity
//   mv2d    mass / volume -> the density thermo prints (g/cm^3 in real, metal)
//   nktv2p  energy / volume -> pressure (atm in real, bar in metal)
//   qqr2e   q^2 / distance -> energy (Coulomb's constant)
//   qe2f    charge * field -> force
// real: mass g/mol, length A, time fs, energy kcal/mol, charge e, T K;
// metal: mass g/mol, length A, time ps, energy eV, charge e, T K;
// lj: everything reduced, every constant 1.
#include <stdexcept>
#include <string>

namespace tessera::md {

struct UnitSystem {
  std::string name = "lj";
  double boltz = 1, mvv2e = 1, ftm2v = 1, mv2d = 1, nktv2p = 1, qqr2e = 1, qe2f = 1;
  // LAMMPS divides energies by the atom count in thermo only in lj units
  // (thermo_modify norm's default).
  bool normalise = true;
};

// Throws std::invalid_argument for a name other than lj, real or metal.
inline UnitSystem unit_system(const std::string& name) {
  UnitSystem u;
  u.name = name;
  if (name == "lj") return u;
  u.normalise = false;
  if (name == "real") {
    u.boltz = 0.0019872067;
    u.mvv2e = 48.88821291 * 48.88821291;
    u.ftm2v = 1.0 / 48.88821291 / 48.88821291;
    u.mv2d = 1.0 / 0.602214129;
    u.nktv2p = 68568.415;
    u.qqr2e = 332.06371;
    u.qe2f = 23.060549;
    return u;
  }
  if (name == "metal") {
    u.boltz = 8.617343e-5;
    u.mvv2e = 1.0364269e-4;
    u.ftm2v = 1.0 / 1.0364269e-4;
    u.mv2d = 1.0 / 0.602214129;
    u.nktv2p = 1.6021765e6;
    u.qqr2e = 14.399645;
    u.qe2f = 1.0;
    return u;
  }
  throw std::invalid_argument("unknown unit style '" + name + "' (lj, real or metal)");
}

}  // namespace tessera::md
