#pragma once
// for_each_task: a host loop over n coarse, independent tasks (a few dozen
// to thousands, each far longer than a for_each body), spread over the
// OpenMP team whatever n is (for_each keeps short loops on one thread) and
// handed out one at a time, so uneven tasks balance. Which thread runs a
// task must not matter to its result: tasks write disjoint data.
//
//   tessera::for_each_task(dev, blocks, [&](int b) { ... });
//
// Several such loops in a row, each waiting for the one before:
//
//   tessera::for_each_task_phases(dev, phases, tasks_of, [&](int phase, int t) { ... });
//
// runs tasks 0 .. tasks_of(phase) - 1 of phase 0, then of phase 1, ... in one
// parallel region instead of a new team per loop, and between phases the
// threads spin a few microseconds, then yield the core, rather than sleep.
// Where each loop is short (md's colours at 32000 atoms, ~1 ms) a team's
// start, or a barrier, wakes a sleeping thread (OMP_WAIT_POLICY=passive, or
// past GOMP_SPINCOUNT): tens of microseconds on a VM, as much as a phase's
// imbalance. tasks_of must give every thread the same counts.
//
// Host backend only (throws for a CUDA device): a GPU wants fine-grained
// for_each bodies instead.
#include <atomic>
#include <cstdint>
#include <thread>

#include "runtime/device.hpp"
#include "runtime/error.hpp"
#include "runtime/launch.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace tessera {

template <class F>
void for_each_task(const Device& dev, std::int64_t n, F f) {
  if (n <= 0) return;
  if (dev.is_cuda()) throw Error("for_each_task is a host loop; a CUDA device needs for_each");
  detail::check_index_range(n, "for_each_task");
  const int ni = static_cast<int>(n);
#pragma omp parallel for schedule(dynamic, 1) if (ni > 1)
  for (int i = 0; i < ni; ++i) f(i);
}

namespace detail {

// Waits for `count` to reach `target`: a few microseconds of spinning (the
// other threads are usually a task away), then yielding the core to
// whatever else wants it, never sleeping: a thread asleep at a barrier
// (OMP_WAIT_POLICY=passive) takes tens of microseconds to wake on a VM.
inline void spin_then_yield_until(const std::atomic<int>& count, int target) {
  for (int k = 0; count.load(std::memory_order_acquire) < target; ++k) {
    if (k < 2048) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace detail

template <class N, class F>
void for_each_task_phases(const Device& dev, int phases, N tasks_of, F f) {
  if (phases <= 0) return;
  if (dev.is_cuda()) throw Error("for_each_task_phases is a host loop; a CUDA device needs for_each");
  std::int64_t most = 0;
  for (int ph = 0; ph < phases; ++ph) {
    const std::int64_t n = tasks_of(ph);
    detail::check_index_range(n, "for_each_task_phases");
    most = n > most ? n : most;
  }
  std::atomic<int> arrived{0};
#pragma omp parallel if (most > 1)
  {
    int team = 1;
#if defined(_OPENMP)
    team = omp_get_num_threads();
#endif
    for (int ph = 0; ph < phases; ++ph) {
      const int ni = static_cast<int>(tasks_of(ph));
#pragma omp for schedule(dynamic, 1) nowait
      for (int i = 0; i < ni; ++i) f(ph, i);
      if (ph + 1 < phases) {
        arrived.fetch_add(1, std::memory_order_acq_rel);
        detail::spin_then_yield_until(arrived, (ph + 1) * team);
      }
    }
  }
}

}  // namespace tessera
