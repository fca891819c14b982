// md.lj restarts at this job's rank count (ctest runs 1, 2, 3, 4 and 8):
// a run split by a checkpoint and --restart latest equals the straight run
// bit for bit, with Bussi and the Berendsen barostat (box dilated every
// step, atoms migrating between the dilated rank boxes).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "runtime/collectives.hpp"
#include "solvers/driver.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace tessera;

namespace {

fs::path shared_scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("tessera_mpi_md_" + std::to_string(collectives::size())) / name;
  if (collectives::rank() == 0) fs::remove_all(p);
  collectives::barrier();
  return p;
}

RunOptions npt(const fs::path& out, int steps) {
  RunOptions o;
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  o.deck_path = std::string(src && *src ? src : TESSERA_SOURCE_DIR) + "/inputs/md/lj_melt.toml";
  o.output_dir = out.string();
  // 864 atoms: three cells of cutoff + skin per axis, so up to 3 ranks along one.
  o.overrides = {"box.cells=[6,6,6]",        "run.steps=" + std::to_string(steps),
                 "run.diagnostics_every=5",  "output.every_steps=20",
                 "checkpoint.every_steps=20", "neighbor.every=1",
                 "thermostat.type=bussi",     "thermostat.temperature=1.2",
                 "barostat.type=berendsen",   "barostat.pressure=1.0",
                 "barostat.damping=0.5"};
  return o;
}

}  // namespace

TEST(MdRestartRanks, ContinuesBitForBitAtThisRankCount) {
  const fs::path straight = shared_scratch("straight"), split = shared_scratch("split");
  run(npt(straight, 40));
  run(npt(split, 20));
  RunOptions again = npt(split, 40);
  again.restart = "latest";
  run(again);
  if (collectives::rank() != 0) return;
  EXPECT_EQ(tessera::testing::read_file(straight / "diagnostics.csv"),
            tessera::testing::read_file(split / "diagnostics.csv"));
  h5::File a((straight / "snapshots/snapshot_00002.h5").string(), h5::File::Mode::ReadOnly, false);
  h5::File b((split / "snapshots/snapshot_00002.h5").string(), h5::File::Mode::ReadOnly, false);
  for (const char* name : {"position", "velocity", "force"})
    EXPECT_EQ(a.open_group("particles").open_dataset(name).read_all<double>(),
              b.open_group("particles").open_dataset(name).read_all<double>())
        << name;
  EXPECT_EQ(a.open_group("box").attribute_doubles("upper"), b.open_group("box").attribute_doubles("upper"));
}
