// io::output_dir_problem: whether an output directory can be used, decided
// without creating anything.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "io/output_dir_check.hpp"
#include "tests/cli_runner.hpp"

namespace fs = std::filesystem;
using tessera::io::output_dir_problem;

namespace {

// Expects `problem` to be exactly `expected`, and nothing to have been created at `path`.
void expect_refused(const fs::path& path, const std::string& expected) {
  EXPECT_EQ(output_dir_problem(path), expected);
  EXPECT_FALSE(fs::exists(path)) << path;
}

}  // namespace

TEST(OutputDirCheck, CreatableAndWritablePathsPass) {
  const fs::path root = tessera::testing::scratch_dir("outdir_check");
  fs::create_directories(root / "existing");
  EXPECT_EQ(output_dir_problem(root / "existing"), "");
  EXPECT_EQ(output_dir_problem(root / "existing/"), "");
  EXPECT_EQ(output_dir_problem(root / "new" / "deeper" / "still"), "");
  EXPECT_EQ(output_dir_problem(root / "new/"), "");
  EXPECT_FALSE(fs::exists(root / "new")) << "deciding must not create anything";
  EXPECT_EQ(output_dir_problem(root / "existing" / ".." / "other"), "");
  // Relative paths start from the working directory.
  const fs::path cwd = fs::current_path();
  fs::current_path(root);
  EXPECT_EQ(output_dir_problem("relative/run"), "");
  EXPECT_EQ(output_dir_problem("existing"), "");
  fs::current_path(cwd);
}

TEST(OutputDirCheck, AFileOnThePathIsNamed) {
  const fs::path root = tessera::testing::scratch_dir("outdir_file");
  fs::create_directories(root);
  std::ofstream(root / "deck.toml") << "x";
  EXPECT_EQ(output_dir_problem(root / "deck.toml"), "output path '" + (root / "deck.toml").string() +
                                                        "' exists and is not a directory");
  expect_refused(root / "deck.toml" / "out" / "run",
                 "output directory '" + (root / "deck.toml/out/run").string() + "' cannot be created: '" +
                     (root / "deck.toml").string() + "' is not a directory");
  const fs::path cwd = fs::current_path();
  fs::current_path(root);
  expect_refused("deck.toml/out", "output directory 'deck.toml/out' cannot be created: 'deck.toml' is not a directory");
  fs::current_path(cwd);
  EXPECT_EQ(output_dir_problem("/dev/null/out"),
            "output directory '/dev/null/out' cannot be created: '/dev/null' is not a directory");
}

TEST(OutputDirCheck, PseudoFilesystemsAreNotWritableEvenForRoot) {
  expect_refused("/proc/tessera-out/run",
                 "output directory '/proc/tessera-out/run' cannot be created: '/proc' is not writable (a proc "
                 "filesystem)");
  expect_refused("/sys/tessera-out",
                 "output directory '/sys/tessera-out' cannot be created: '/sys' is not writable (a sysfs filesystem)");
  EXPECT_EQ(output_dir_problem("/proc/self"),
            "output directory '/proc/self' cannot be written: '/proc/self' is not writable (a proc filesystem)");
}

TEST(OutputDirCheck, PermissionsAreJudgedAsThisProcessHasThem) {
  const fs::path root = tessera::testing::scratch_dir("outdir_perm");
  fs::create_directories(root / "locked");
  ASSERT_EQ(chmod((root / "locked").c_str(), 0555), 0);
  // Root may write into any directory of a writable filesystem (as mkdir
  // would let it); anyone else is refused.
  const std::string expected =
      geteuid() == 0 ? std::string()
                     : "output directory '" + (root / "locked/out").string() + "' cannot be created: '" +
                           (root / "locked").string() + "' is not writable";
  EXPECT_EQ(output_dir_problem(root / "locked" / "out"), expected);
  EXPECT_FALSE(fs::exists(root / "locked" / "out"));
  chmod((root / "locked").c_str(), 0755);
}
