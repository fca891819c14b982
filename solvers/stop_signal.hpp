#pragma once
// SIGTERM and SIGUSR1 (what Slurm sends before a job's time limit) ask the
// run to stop: the driver finishes the step, writes a checkpoint and exits 0.
// The handler only sets a flag; the driver polls it between steps.
namespace tessera {

class StopSignals {
 public:
  StopSignals();   // installs the handlers
  ~StopSignals();  // restores the previous ones
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  static bool requested();
  static const char* name();  // "SIGTERM", "SIGUSR1" or "" when none arrived
  static void reset();        // tests
};

}  // namespace tessera
