#pragma once
// The `tessera` command line: run, check, keys, info, --version. Exit codes:
// 0 success, 2 usage or deck error (nothing ran), 1 failure while running.
namespace tessera {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Initialises MPI, parses the command line, runs the command and maps every
// error to one clear line and an exit code. A failure on one rank of several
// ends the whole job (MPI_Abort) so no rank waits forever.
int main_cli(int argc, char** argv);

}  // namespace tessera
