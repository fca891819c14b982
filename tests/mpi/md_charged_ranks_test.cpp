// A charged cut-off system at this job's rank count (ctest runs 1, 2, 3, 4
// and 8): lj/cut/coul/cut on 864 atoms with charges +-0.5 from a LAMMPS data
// file, 50 steps of NVE, against LAMMPS's own thermo (tests/data/lammps/
// in.charged_cut_lj) to 1e-10 relative at every rank count: the charges
// migrate and are ghosted with their atoms, whatever the decomposition.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/collectives.hpp"
#include "solvers/driver.hpp"
#include "tests/cli_runner.hpp"
#include "tests/lammps_thermo.hpp"

using tessera::testing::lammps_thermo;

namespace fs = std::filesystem;
using namespace tessera;

namespace {

std::string source(const std::string& relative) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return std::string(src && *src ? src : TESSERA_SOURCE_DIR) + "/" + relative;
}

}  // namespace

TEST(MdChargedRanks, CoulCutThermoMatchesLammpsAtThisRankCount) {
  const fs::path out =
      fs::temp_directory_path() / ("tessera_mpi_md_charged_" + std::to_string(collectives::size()));
  if (collectives::rank() == 0) fs::remove_all(out);
  collectives::barrier();
  RunOptions o;
  o.deck_path = source("inputs/md/lj_melt.toml");
  o.output_dir = out.string();
  o.overrides = {"run.solver=\"md\"",
                 "run.steps=50",
                 "run.diagnostics_every=10",
                 "output.every_steps=0",
                 "box.data_file=\"" + source("tests/data/lammps/charged_cut_lj.data") + "\"",
                 "physics.potential=\"lj/cut/coul/cut\"",
                 "physics.cutoff=2.5",
                 "physics.coulomb_cutoff=3.0",
                 "neighbor.every=1",
                 "neighbor.check=true"};
  run(o);
  if (collectives::rank() != 0) return;
  auto lmp = lammps_thermo(source("tests/data/lammps/log.charged_cut_lj"));
  ASSERT_EQ(lmp["Step"].size(), 6u);
  const std::vector<std::pair<std::string, std::string>> columns = {{"Temp", "temperature"},
                                                                    {"Press", "pressure"},
                                                                    {"PotEng", "pe_per_atom"},
                                                                    {"TotEng", "etotal_per_atom"},
                                                                    {"E_vdwl", "evdwl"},
                                                                    {"E_coul", "ecoul"}};
  for (const auto& [theirs, ours] : columns) {
    const std::vector<double> got = tessera::testing::diagnostics_column(out, ours);
    ASSERT_EQ(got.size(), 6u) << ours;
    for (std::size_t row = 0; row < got.size(); ++row)
      EXPECT_NEAR(got[row], lmp[theirs][row], 1e-10 * std::fabs(lmp[theirs][row]))
          << collectives::size() << " ranks, step " << lmp["Step"][row] << ": " << ours;
  }
}
