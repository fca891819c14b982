#pragma once
// Piecewise-constant reconstruction (Godunov 1959): both face values of a cell
// are its cell average. First order; needs one ghost layer.
#include "runtime/macros.hpp"

namespace tessera::hydro {

// q_minus: value at the cell's lower face i-1/2; q_plus: at its upper face i+1/2.
TESSERA_HD inline void pcm(double q0, double& q_minus, double& q_plus) {
  q_minus = q0;
  q_plus = q0;
}

}  // namespace tessera::hydro
