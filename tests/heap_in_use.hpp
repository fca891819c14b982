#pragma once
// The host heap a process holds (glibc's mallinfo2: every arena and mmapped
// block), for the tests that compare memory estimates with real allocations.
#include <malloc.h>

namespace tessera::testing {

// Under AddressSanitizer the heap is ASan's own, which mallinfo2 does not see.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kHeapVisible = false;
#else
inline constexpr bool kHeapVisible = true;
#endif

inline double heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks) + static_cast<double>(m.hblkhd);
}

}  // namespace tessera::testing
