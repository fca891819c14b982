#pragma once
// A Barnes-Hut octree over a set of sources, built and walked through the
// runtime (for_each, reductions, scans, key sorts): one source for the host
// and CUDA backends. Internal to nbody.tree (tree_forces.cu); tests use it
// directly against direct summation.
//
// Build (every force evaluation, nothing refitted):
//   1. the bounding cube of the sources, 63-bit Morton keys (21 bits a
//      dimension), a stable key sort;
//   2. the octree from the sorted keys, level by level: every node of a level
//      with more than `leaf_size` bodies splits into its non-empty octants,
//      found by binary search in its key range (children of a node are
//      consecutive; a scan gives each node its children's slots);
//   3. moments bottom-up, deepest level first: mass, centre of mass and the
//      traceless quadrupole about it (parallel-axis shifts from children), and
//      each node's opening radius.
// Walk: targets are sorted by key too and cut into groups of at most
// `group_size` consecutive bodies; each group's bounding box decides, for the
// whole group, which nodes are accepted as multipoles and which are opened
// (as Bonsai's walk per group), so the bodies of one group share one
// interaction list: on the host one traversal per group fills it as
// structure-of-arrays lists that every body of the group then runs through
// in vectorised loops (tree_interactions.hpp); on the GPU the group's
// threads walk it in lockstep (a thread per target, a group per warp), or
// (OpeningParams::gpu_walk = Warp) a warp walks it cooperatively, 32 nodes at
// a time (tree_walk_warp.cu), with the same terms.
#include <cstdint>
#include <vector>

#include "runtime/buffer.hpp"
#include "runtime/device.hpp"
#include "runtime/timers.hpp"
#include "solvers/nbody/gravity_forces.hpp"

namespace tessera::nbody {

struct OpeningParams {
  enum class Criterion { Theta, Relative };
  Criterion criterion = Criterion::Theta;
  // Barnes-Hut: a node of side l whose centre of mass is delta from its
  // geometric centre is accepted when the group box lies farther than
  // l / theta + delta from the centre of mass.
  double theta = 0.5;
  // Relative (GADGET's): accepted when G M l^2 / r^4 <= force_accuracy |a_old|,
  // |a_old| the smallest old acceleration in the group.
  double force_accuracy = 0.0025;
  bool quadrupole = true;
  int leaf_size = 16;
  int group_size = 32;
  // The walk on CUDA devices: Portable (a thread per target, octree.cu) or
  // Warp (a warp walks a group cooperatively, tree_walk_warp.cu; group_size
  // <= 32, else the portable walk). The host always walks its per-group
  // lists and ignores this.
  enum class GpuWalk { Portable, Warp };
  GpuWalk gpu_walk = GpuWalk::Portable;
};

// What one walk did: interactions with bodies and with accepted nodes.
struct WalkCounts {
  double body_interactions = 0;
  double node_interactions = 0;
  // Warp walk only: groups whose breadth-first queue overflowed and that were
  // walked per target instead (same results, slower).
  std::int64_t warp_fallback_groups = 0;
};

// 63-bit Morton keys of (x, y, z) in the cube at lo of side `size` (the
// same curve the tree sorts by), and index[i] = i.
void morton_keys(const Device& dev, const double lo[3], double size, const double* x, const double* y,
                 const double* z, std::int64_t n, std::uint64_t* keys, std::int32_t* index);

class Octree {
 public:
  explicit Octree(Device dev) : dev_(std::move(dev)) {}

  // Sources (device pointers); `leaf_size` from `p`. Keeps pointers to nothing:
  // the sources are copied in key order.
  // With `timers`, the phases are timed as "tree sort", "tree build" and
  // "tree moments".
  void build(const Sources& s, const OpeningParams& p, Timers* timers = nullptr);

  // Accelerations and potentials (OVERWRITTEN) on `t` from the sources of the
  // last build. `self_offset` >= 0: target i is source self_offset + i (its
  // own term is skipped); -1: targets are not sources. `amag_old` (|a| of
  // the last force pass by target, or null) for the relative criterion; without it the theta
  // criterion is used.
  WalkCounts walk(const GravityParams& g, const OpeningParams& p, const Targets& t, std::int64_t self_offset,
                  const double* amag_old);

  // The groups of the sources themselves (consecutive in key order,
  // `group_size` each) that one rank of several walks: groups
  // [first_group, last_group) of groups(p). Results (ax, ay, az, pot planes
  // of `stride` at out) at key-order position minus first_group * group_size.
  // amag_old: |a_old| of the sources in input order, or null. group_cost
  // (optional): the interactions of each walked group, for load balance.
  // Every body's result is the same bits as a walk over all groups gives.
  WalkCounts walk_groups(const GravityParams& g, const OpeningParams& p, std::int64_t first_group,
                         std::int64_t last_group, const double* amag_old, double* out, std::int64_t stride,
                         std::vector<double>* group_cost);
  std::int64_t groups(const OpeningParams& p) const;

  // Locally essential tree export (several ranks), as a tree. A domain
  // (another rank's bodies) is described by `per_domain` boxes (device, 7
  // doubles each: lo x, y, z, hi x, y, z, smallest |a_old| of the bodies in
  // it; an empty box has lo > hi); domain d's boxes follow domain d - 1's;
  // domain `skip` (this rank, or -1) gets nothing. Level by level from the
  // root, a node reached (its parent opened) is kept as a multipole when
  // every box of the domain accepts it by the walk's criterion (the nearest
  // point of the box: conservative for every body in it), else opened; an
  // opened leaf sends its bodies. Every reached node is exported, opened ones
  // too, so the receiving rank walks the records as a tree (load_essential)
  // with its own groups' boxes and stops where a group accepts a coarser node
  // than the whole domain could. counts (device, 2 per domain): node records,
  // bodies. export_write, given those counts and `offsets` (device, one per
  // domain, in doubles; a domain with no records is skipped), writes each
  // domain's records at its offset in `out`: kEssentialNode doubles a node
  // (M, com, Q; centre x, y, z, half side; opening radius squared; first
  // child record or -1; children; first and end body), in the tree's order
  // (children of a node consecutive, the root first), then the bodies' x, y,
  // z, m. A node every box accepted is marked (centre at infinity, half side
  // 0, radius -1) so that the receiver never opens it. `relative`: GADGET's
  // criterion (the boxes' |a_old|), else theta. export_write needs the same
  // boxes as the export_count before it.
  static constexpr int kEssentialNode = 19;
  void export_count(const GravityParams& g, const OpeningParams& p, bool relative, const double* boxes, int domains,
                    int per_domain, int skip, std::int64_t* counts);
  void export_write(const GravityParams& g, const OpeningParams& p, bool relative, const double* boxes, int domains,
                    int per_domain, const std::int64_t* counts, const std::int64_t* offsets, double* out);
  // Replaces this tree by the essential trees other ranks exported: block q
  // at records + at[q] (doubles, device) holds nodes[q] node records and then
  // bodies[q] bodies as export_write wrote them. The blocks' roots hang under
  // a few always-opened nodes (at most 8 children each), so walk() runs over
  // all of them at once, with targets that are not sources (self_offset -1)
  // and `lo`, `size` the cube that orders the targets into groups.
  void load_essential(const double* records, const std::vector<std::int64_t>& at,
                      const std::vector<std::int64_t>& nodes, const std::vector<std::int64_t>& bodies,
                      const double lo[3], double size, const OpeningParams& p);
  // The cube the last build's keys span.
  void frame(double lo[3], double& size) const {
    for (int d = 0; d < 3; ++d) lo[d] = lo_[d];
    size = size_;
  }
  // The domain description the other ranks export against: the tight
  // bounding boxes (7 doubles each as above; amag: |a_old| by source input
  // index, or null for 0) of the cut of this tree where nodes first hold at
  // most `most` bodies (or are leaves): compact, disjoint, covering every
  // source. Returns how many; `out` grows to fit.
  std::int64_t domain_boxes(std::int64_t most, const double* amag, Buffer<double>& out);
  // The interactions of each target (input order) in the last walk(), plus
  // `extra` each; `add`: added to out rather than stored.
  void target_costs(double* out, double extra, bool add = false) const;
  // Source input index -> key-order position (device), valid after build.
  const std::int32_t* key_position() const { return inverse_.data(); }

  std::int64_t nodes() const { return nodes_; }
  int levels() const { return levels_; }
  std::int64_t sources() const { return n_; }

  // Internal (public for nvcc's device lambdas).
  void compute_box(const Sources& s);
  void sort_sources(const Sources& s);
  void build_levels(int leaf_size);
  void compute_moments(const OpeningParams& p);
  void ensure_node_capacity(std::int64_t n);
  WalkCounts run_walk(const GravityParams& g, const OpeningParams& p, const Targets& t, std::int64_t self_offset,
                      bool same_order, const double* amag, std::int64_t g0, std::int64_t g1, std::int64_t out_offset,
                      std::vector<double>* group_cost);
  const std::int32_t* identity(std::int64_t n);
  void export_classify(const GravityParams& g, const OpeningParams& p, bool relative, const double* boxes, int domains,
                       int per_domain, int skip);
  const double* amag_for(const double* amag, bool sorted_targets, std::int64_t n);

 private:
  Device dev_;
  std::int64_t n_ = 0, nodes_ = 0, capacity_ = 0;
  std::int64_t walked_ = 0;  // targets of the last walk()
  int levels_ = 0;
  double lo_[3] = {0, 0, 0}, size_ = 1;
  double theta_built_ = -1;
  Timers untimed_;
  // Sources in key order, their keys and the permutation (sorted -> input).
  Buffer<std::uint64_t> keys_;
  Buffer<std::int32_t> perm_, inverse_;
  Buffer<double> sx_, sy_, sz_, sm_;
  // Nodes, level by level (root first; children of a node consecutive).
  Buffer<std::int32_t> begin_, end_, child_, nchild_, parent_;
  Buffer<double> centre_;   // 4 per node: geometric centre x, y, z, half side
  Buffer<double> moment_;   // 10 per node: M, com x, y, z, Qxx, Qyy, Qzz, Qxy, Qxz, Qyz
  Buffer<double> rcrit2_;   // theta criterion's opening radius squared
  Buffer<std::int32_t> split_;  // per-level scratch: children per node, then offsets
  Buffer<std::int32_t> cut_;    // domain_boxes: each node's box slot
  // Export: per (domain, node) what the domain does with the node (0 not
  // reached, 1 kept as a multipole, 2 an opened leaf, 3 opened), and the
  // scans that place its record and its bodies.
  int export_domains_ = 0;
  Buffer<std::int32_t> export_state_;
  Buffer<std::int64_t> export_node_, export_body_;
  std::vector<std::int64_t> level_start_;  // host: first node of each level, then the end
  // Walk scratch: target keys, order, groups.
  Buffer<std::uint64_t> tkeys_;
  Buffer<std::int32_t> tperm_;
  Buffer<double> gbox_;      // 7 per group: lo x, y, z, hi x, y, z, smallest |a_old|
  Buffer<std::int32_t> work_;
  Buffer<std::int32_t> iota_;
  Buffer<double> cost_, amag_sorted_;  // 2 per target: body and node interactions of the last walk
};

}  // namespace tessera::nbody
