#pragma once
// Reconstruction chosen at run time (deck key), one switch over the schemes.
// Each scheme maps the cell averages around cell i to the two face values of
// cell i: q_minus at i-1/2 and q_plus at i+1/2. The solver reconstructs every
// primitive variable of each cell this way, direction by direction.
#include "physics/reconstruct/limiters.hpp"
#include "physics/reconstruct/pcm.hpp"
#include "physics/reconstruct/plm.hpp"
#include "physics/reconstruct/ppm.hpp"
#include "physics/reconstruct/weno5.hpp"
#include "runtime/macros.hpp"

namespace tessera::hydro {

enum class Reconstruction { PCM, PLM, PPM, WENO5 };

// Ghost layers a solver needs beyond its owned cells so that every owned face
// gets both its left and right state: a face between cells i-1 and i needs the
// reconstruction of both, i.e. the stencil half-width plus one.
TESSERA_HD constexpr int stencil_ghosts(Reconstruction r) {
  switch (r) {
    case Reconstruction::PCM: return 1;
    case Reconstruction::PLM: return 2;
    case Reconstruction::PPM: return 3;
    case Reconstruction::WENO5: return 3;
  }
  return 3;  // not reached
}

// q[0..4] = cells i-2..i+2 (PCM reads q[2] only, PLM q[1..3]); the limiter is
// used by PLM only.
TESSERA_HD inline void reconstruct(Reconstruction r, Limiter lim, const double* q, double& q_minus, double& q_plus) {
  switch (r) {
    case Reconstruction::PCM: pcm(q[2], q_minus, q_plus); return;
    case Reconstruction::PLM: plm(q[1], q[2], q[3], lim, q_minus, q_plus); return;
    case Reconstruction::PPM: ppm(q[0], q[1], q[2], q[3], q[4], q_minus, q_plus); return;
    case Reconstruction::WENO5: weno5(q[0], q[1], q[2], q[3], q[4], q_minus, q_plus); return;
  }
  pcm(q[2], q_minus, q_plus);  // not reached; keeps the outputs defined for any enumerator value
}

// The same with the scheme fixed at compile time (the solvers' hot loops are
// instantiated per scheme: no branch and fewer registers per face).
// ReconstructionStencil<R>: the entries of q[0..4] the scheme reads.
template <Reconstruction R>
struct ReconstructionStencil {
  static constexpr int first = R == Reconstruction::PCM ? 2 : R == Reconstruction::PLM ? 1 : 0;
  static constexpr int last = 4 - first;
};

template <Reconstruction R>
TESSERA_HD inline void reconstruct(Limiter lim, const double* q, double& q_minus, double& q_plus) {
  if constexpr (R == Reconstruction::PCM) {
    pcm(q[2], q_minus, q_plus);
  } else if constexpr (R == Reconstruction::PLM) {
    plm(q[1], q[2], q[3], lim, q_minus, q_plus);
  } else if constexpr (R == Reconstruction::PPM) {
    ppm(q[0], q[1], q[2], q[3], q[4], q_minus, q_plus);
  } else {
    weno5(q[0], q[1], q[2], q[3], q[4], q_minus, q_plus);
  }
}

}  // namespace tessera::hydro
