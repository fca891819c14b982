#pragma once
// Whether a deck fits in the memory of the device it will run on, decided
// from the solver's estimate (SolverInfo::memory) before anything is
// allocated: `tessera check` prints the comparison, `tessera run` refuses a
// deck that cannot fit (exit 2) before it writes or allocates anything.
#include <string>

#include "io/deck.hpp"
#include "runtime/device.hpp"

namespace tessera {

// What the device offers: a GPU's total memory, or the host's MemAvailable;
// shared by the ranks of this job on the same GPU or node.
struct MemoryBudget {
  double bytes = 0;  // the whole GPU's, or the node's available host memory
  int sharing = 1;   // ranks of this job that draw on it
  std::string device;  // "host", "cuda:0 (NVIDIA H200)"
};

// Collective (every rank calls it). "" when the deck's solver gives no
// estimate; otherwise the line `tessera check` prints, e.g. "memory: 3.2 GiB
// per rank (cfd.euler 512^3 cells on 1 rank), host has 21 GiB available".
// Throws InputError (one line, the same on every rank) when some rank's
// share does not fit its device. `gpu` is ignored on the host backend.
std::string check_memory(const deck::Deck& d, Backend backend, int gpu);

// The same comparison for one rank, without collectives: `ranks` in the job,
// `budget` this rank's device. Throws InputError when it does not fit.
std::string memory_verdict(const deck::Deck& d, int ranks, Backend backend, const MemoryBudget& budget);

// MemAvailable from /proc/meminfo in bytes (0 when it cannot be read).
double host_memory_available();
// "512 B", "3.2 KiB", "21 GiB", "4.7 PiB".
std::string format_bytes(double bytes);

}  // namespace tessera
