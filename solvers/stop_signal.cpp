#include "solvers/stop_signal.hpp"

#include <csignal>

namespace tessera {

namespace {
volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_old_term {}, g_old_usr1 {};

extern "C" void on_stop_signal(int sig) { g_signal = sig; }
}  // namespace

StopSignals::StopSignals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, &g_old_term);
  sigaction(SIGUSR1, &sa, &g_old_usr1);
}

StopSignals::~StopSignals() {
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGUSR1, &g_old_usr1, nullptr);
}

bool StopSignals::requested() { return g_signal != 0; }

const char* StopSignals::name() {
  switch (g_signal) {
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    default: return "";
  }
}

void StopSignals::reset() { g_signal = 0; }

}  // namespace tessera
