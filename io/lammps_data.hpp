#pragma once
// LAMMPS data files (read_data / write_data), atom_style atomic, charge and
// full, orthogonal box: how users bring a LAMMPS configuration into Tessera
// and take a Tessera state back to LAMMPS.
//
// Read: the first line is a title; then header lines ("N atoms", "M atom
// types", "xlo xhi" / "ylo yhi" / "zlo zhi"; a missing box line defaults to
// -0.5 0.5 as in LAMMPS); then sections, each a keyword line, a blank line and
// one entry per line: "Masses" (type mass), "Atoms" in one of
//   atomic: id type x y z [ix iy iz]
//   charge: id type q x y z [ix iy iz]
//   full:   id molecule type q x y z [ix iy iz]
// named by the section's style comment ("Atoms # full", as write_data puts
// it) or, without one, told apart by the column count (5/8, 6/9, 7/10);
// any other style is refused. "Velocities" (id vx vy vz). "#" starts a comment anywhere. "Pair Coeffs"
// and "PairIJ Coeffs" (which write_data adds) are skipped: the deck sets the
// potential. Image flags are folded into the positions (x + ix (xhi - xlo)).
// Ids must be 1 .. N, each once (LAMMPS's `reset_atoms id` renumbers a file
// with gaps), so a Tessera id is id - 1.
// Refused with tessera::InputError naming the file and line: triclinic boxes
// (tilt factors, general-triclinic vectors), bonds, angles and any other
// molecular topology (a nonzero count in the header or such a section: md has
// no bonded interactions yet; zero counts, as write_data gives for a full
// system without bonds, are accepted),
// unknown header keywords or sections, wrong column counts, unparsable
// numbers, ids or types out of range, sections shorter than the header says,
// a missing Atoms section (when N > 0) or Masses entry.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::io {

struct LammpsData {
  std::array<double, 3> lower{-0.5, -0.5, -0.5}, upper{0.5, 0.5, 0.5};
  int types = 1;
  std::vector<double> masses;  // per type (index type - 1); empty without a Masses section
  // Per atom, in the order of the Atoms section. Types count from 1 as in
  // LAMMPS. vx, vy, vz are empty without a Velocities section.
  std::vector<std::int64_t> id;
  std::vector<int> type;
  std::vector<double> x, y, z, vx, vy, vz;
  std::string style = "atomic";           // atomic, charge or full
  std::vector<double> q;                  // charge and full; empty for atomic
  std::vector<std::int64_t> molecule;     // full; empty otherwise
};

LammpsData read_lammps_data(const std::string& path);

// Writes a file LAMMPS's read_data reads with `style` (atomic; charge needs
// q, full q and molecule), Masses and
// Velocities when present, positions as given with no image flags (read_data
// wraps periodic atoms into the box itself), numbers in the shortest form
// that reads back exactly. Throws tessera::Error for inconsistent array sizes
// or an unwritable path.
void write_lammps_data(const std::string& path, const LammpsData& data);

}  // namespace tessera::io
