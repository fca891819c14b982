#include "solvers/cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <iostream>
#include <memory>
#include <sstream>

#include "runtime/collectives.hpp"
#include "runtime/device.hpp"
#include "runtime/error.hpp"
#include "runtime/log.hpp"
#include "runtime/mpi_env.hpp"
#include "solvers/build_description.hpp"
#include "solvers/commands.hpp"
#include "solvers/driver.hpp"

namespace tessera {

namespace {

// Every rank reports its own failure (the rank is in the message); input
// errors are the same on every rank, so rank 0 alone prints them.
int report_input_error(const InputError& e) {
  if (collectives::rank() == 0)
    for (const auto& p : e.problems()) logging::error(p);
  return kExitUsage;
}

[[noreturn]] void fail(const std::string& line) {
  logging::error(line);
  MpiEnvironment::abort(kExitFailure);
}

void add_set_option(CLI::App* cmd, std::vector<std::string>& overrides) {
  cmd->add_option("--set", overrides, "override a deck key: table.key=value (repeatable)")
      ->type_name("TABLE.KEY=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

}  // namespace

namespace {
// `tessera run` on the GPU backend binds its GPU before MPI starts (see
// bind_gpu_before_mpi_init); other commands and host runs never touch a GPU.
bool runs_on_gpu(int argc, char** argv) {
  bool run = false;
  std::string device;
  if (const char* env = std::getenv("TESSERA_DEVICE")) device = env;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "run") run = true;
    if (a == "--device" && i + 1 < argc) device = argv[i + 1];
    if (a.rfind("--device=", 0) == 0) device = a.substr(9);
  }
  return run && device != "cpu" && device != "host";
}
}  // namespace

int main_cli(int argc, char** argv) {
  if (runs_on_gpu(argc, argv)) bind_gpu_before_mpi_init();
  std::unique_ptr<MpiEnvironment> mpi;
  try {
    mpi = std::make_unique<MpiEnvironment>(&argc, &argv);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.describe().c_str());
    return kExitFailure;
  }

  CLI::App app{"Tessera: GPU simulation suite (compressible and incompressible CFD, molecular dynamics, N-body)"};
  app.name("tessera");
  bool show_version = false;
  app.add_flag("--version", show_version, "print the version and exit");
  app.require_subcommand(0, 1);

  RunOptions run_opt;
  std::string output_dir, device;
  auto* run_cmd = app.add_subcommand("run", "run a deck");
  run_cmd->add_option("deck", run_opt.deck_path, "input deck (TOML)")->required();
  add_set_option(run_cmd, run_opt.overrides);
  run_cmd->add_option("--output", output_dir, "output directory (overrides [run] output_dir)");
  run_cmd->add_option("--device", device, "backend: auto, cpu or gpu (overrides [run] device and TESSERA_DEVICE)")
      ->check(CLI::IsMember({"auto", "cpu", "gpu"}));
  run_cmd->add_flag("--overwrite", run_opt.overwrite, "replace Tessera's outputs in an existing output directory");
  std::string restart;
  run_cmd->add_option("--restart", restart, "continue from a checkpoint: 'latest' (in <output>/checkpoints) or a path");

  std::string check_deck;
  std::vector<std::string> check_overrides;
  bool check_print = false;
  auto* check_cmd = app.add_subcommand("check", "validate a deck without running it");
  check_cmd->add_option("deck", check_deck, "input deck (TOML)")->required();
  add_set_option(check_cmd, check_overrides);
  check_cmd->add_flag("--print", check_print, "print the resolved deck (defaults filled in)");

  std::string keys_solver;
  bool keys_markdown = false;
  auto* keys_cmd = app.add_subcommand("keys", "list solvers and the deck keys they accept");
  keys_cmd->add_option("solver", keys_solver, "solver name (e.g. cfd.euler)");
  keys_cmd->add_flag("--markdown", keys_markdown, "print a Markdown reference page");

  auto* info_cmd = app.add_subcommand("info", "build options, backends, GPUs, MPI ranks, library versions");

  const bool root = mpi->rank() == 0;
  std::ostringstream sink;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e, root ? std::cout : sink, root ? std::cerr : sink);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  try {
    if (show_version) {
      logging::info(version_line());
    } else if (*run_cmd) {
      if (!output_dir.empty()) run_opt.output_dir = output_dir;
      if (!device.empty()) run_opt.device = device;
      if (!restart.empty()) run_opt.restart = restart;
      run_opt.on_failure = [](const std::exception& e) { fail(describe_failure(e)); };
      run(run_opt);
    } else if (*check_cmd) {
      command_check(check_deck, check_overrides, check_print);
    } else if (*keys_cmd) {
      command_keys(keys_solver, keys_markdown);
    } else if (*info_cmd) {
      command_info(*mpi);
    } else {
      if (root) std::cerr << app.help() << "\nerror: a command is required (run, check, keys, info)\n";
      return kExitUsage;
    }
  } catch (const InputError& e) {
    return report_input_error(e);
  } catch (const Error& e) {
    fail(e.describe());
  } catch (const std::exception& e) {
    fail(describe_failure(e));
  }
  return kExitOk;
}

}  // namespace tessera
