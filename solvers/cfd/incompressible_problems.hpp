#pragma once
// Initial conditions of cfd.incompressible ([problem] type): the staggered
// velocity (each component at its own face positions) and the pressure at
// cell centres. The solver projects the velocity afterwards, so a sampled
// field only needs to be divergence-free up to truncation error.
#include "decomposition/cartesian_layout.hpp"
#include "io/deck.hpp"
#include "runtime/device.hpp"
#include "runtime/span.hpp"
#include "solvers/cfd/incompressible_config.hpp"
#include "solvers/cfd/incompressible_kernels.hpp"

namespace tessera::cfd {

// Owned faces and cells of u and p; ghosts are left to the solver. Values
// depend only on global indices (the same field at any rank count).
void initialize_incompressible(const deck::Deck& d, const IncompConfig& cfg, const CartesianLayout& layout,
                               const Device& dev, const IncompParams& p, FieldView<double> u, Span3<double> pressure);

// Passive scalars: each a band of 1 over the middle half of y with tanh
// edges of cfg.scalar_thickness (relative to the y length), 0 outside.
void initialize_scalars(const IncompConfig& cfg, const CartesianLayout& layout, const Device& dev,
                        const IncompParams& p, FieldView<double> s);

}  // namespace tessera::cfd
