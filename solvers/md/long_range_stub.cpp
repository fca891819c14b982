// Built only while solvers/md/long_range.cpp (the Ewald and PPPM solvers) is
// absent from the tree: [kspace] is then refused with a clear message
// instead of the build failing to link.
#include "runtime/error.hpp"
#include "solvers/md/long_range.hpp"

namespace tessera::md {

std::unique_ptr<LongRange> make_long_range(const LongRangeSpec& spec, Transport&, const Device&) {
  throw InputError("[kspace] style = \"" + spec.style +
                   "\": this build has no k-space solvers (solvers/md/long_range.cpp is missing)");
}

}  // namespace tessera::md
