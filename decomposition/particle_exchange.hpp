#pragma once
// ParticleExchange: moves particles between the ranks of a CartesianLayout.
//
// migrate(): every owned particle that left this rank's physical box goes to
// the rank that owns its position now, with all its columns; periodic axes
// wrap positions into the global box; ids are preserved. Done in sweeps
// x, then y, then z, each repeated until no rank has particles to pass on, so
// any displacement arrives. A particle beyond a non-periodic face is an error
// naming its id and position.
//
// build_ghosts(width): copies of particles within `width` of a face go to the
// face neighbours, in the same three sweeps; particles received in earlier
// sweeps are forwarded too, so edge and corner ghosts arrive. Ghost positions
// carry the periodic image shift (x +- L). Ghosts follow the owned particles
// in the Particles arrays. update_ghosts() refreshes ghost positions (and the
// columns asked for) from their owners along the same routes, without
// re-selecting: what a Verlet-list step needs between rebuilds.
//
// Counts are exchanged before data; buffers grow geometrically and are reused.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/particles.hpp"
#include "decomposition/transport.hpp"

namespace tessera {

class ParticleExchange {
 public:
  ParticleExchange(const CartesianLayout& layout, Transport& transport);
  ~ParticleExchange();

  void migrate(Particles& p);
  // width must not exceed any rank's box along an axis that has ghosts
  // (active or periodic; one hop per sweep, and every rank must agree); an
  // InputError says which axis and by how much otherwise.
  void build_ghosts(Particles& p, double width);
  // Refreshes positions (and the given extra columns) of the ghosts of the
  // last build_ghosts; the owned particles must not have been reordered.
  void update_ghosts(Particles& p, const std::vector<int>& extra_columns = {});
  // The box was dilated (a barostat): `layout` has the new bounds, the same
  // process grid and cells. The ghosts of the last build keep their routes
  // with the periodic shifts of the new box lengths, so update_ghosts() stays
  // valid once the caller has dilated the owned positions; the next
  // build_ghosts checks its width against the new rank boxes.
  void set_box(const CartesianLayout& layout);
  // The smallest rank box along each axis, over all ranks: the widest ghost
  // shell build_ghosts accepts along an axis that has ghosts.
  std::array<double, 3> smallest_rank_box() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace tessera
