#pragma once
// A counter-based random number generator: the k-th number of stream s under
// seed is a pure function of (seed, s, k). Any rank, any backend, any order
// of evaluation draws the same numbers for the same particle and step, which
// is what reproducible initial conditions and thermostats need.
// The mixing is SplitMix64's finaliser (Steele, Lea & Flood 2014) applied to
// a Weyl sequence over the combined key: fast, and statistically good enough
// for physics sampling (it passes BigCrush as a generator).
#include <cstdint>

#include "runtime/macros.hpp"

namespace tessera {

struct CounterRng {
  std::uint64_t seed = 0;

  TESSERA_HD static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // 64 random bits for (stream, counter).
  TESSERA_HD std::uint64_t bits(std::uint64_t stream, std::uint64_t counter) const {
    return mix(mix(seed ^ (stream * 0x9e3779b97f4a7c15ULL)) + counter * 0x9e3779b97f4a7c15ULL);
  }
  // Uniform in [0, 1) with 53 random bits.
  TESSERA_HD double uniform(std::uint64_t stream, std::uint64_t counter) const {
    return static_cast<double>(bits(stream, counter) >> 11) * (1.0 / 9007199254740992.0);
  }
};

}  // namespace tessera
