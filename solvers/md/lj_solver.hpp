#pragma once
// md.lj: classical molecular dynamics with short-range pair potentials
// (Lennard-Jones, WCA, Morse) in LJ reduced units, cell-binned Verlet lists
// with a skin, velocity Verlet (NVE) or NVT (Langevin, Nose-Hoover chain,
// Bussi), optionally with the Berendsen barostat (box dilation toward a
// target pressure; not an NPT sampler), domain-decomposed with ghost atoms
// and migration.
//
// Restarts: a checkpoint stores the atoms with their forces, the box and the
// thermostat state, then puts the atoms in id order and rebuilds ghosts and
// lists exactly as a restart from it does. A restart on the same rank count
// therefore continues bit for bit (relative to the run that wrote the
// checkpoint: writing one perturbs the run at round-off level); on another
// rank count the order of the force sums changes and it agrees to round-off.
namespace tessera::md {

void register_lj_solver();

}  // namespace tessera::md
