#pragma once
// nbody.direct's force provider: direct summation, O(N^2) per evaluation,
// bodies split evenly over ranks and source blocks passed around a ring
// (systolic), each hop's transfer overlapping the force work on the block in
// hand. Gives the Hermite jerk when asked (Plummer softening, double).
#include <memory>

#include "solvers/nbody/force_provider.hpp"

namespace tessera::nbody {

std::unique_ptr<ForceProvider> make_direct_forces(const ProviderContext& c);

}  // namespace tessera::nbody
