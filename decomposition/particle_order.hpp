#pragma once
// sort_owned_by_id: puts a rank's owned particles in ascending id order and
// drops the ghosts. The order then depends only on which particles the rank
// owns, not on the migrations that brought them there: a run restarted from
// a checkpoint (read back in slices, then migrated) and the run that wrote it
// reach identical arrays, hence identical ghosts, lists and sums.
#include "decomposition/particles.hpp"

namespace tessera {

void sort_owned_by_id(Particles& p);

}  // namespace tessera
