#pragma once
// md.lj: classical molecular dynamics with short-range pair potentials
// (Lennard-Jones, WCA, Morse) in LJ reduced units, cell-binned Verlet lists
// with a skin, velocity Verlet (NVE) or NVT (Langevin, Nose-Hoover chain,
// Bussi), domain-decomposed with ghost atoms and migration.
namespace tessera::md {

void register_lj_solver();

}  // namespace tessera::md
