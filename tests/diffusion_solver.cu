// test.diffusion: explicit heat equation u_t = D lap u on the unit box,
// decomposed over ranks with CartesianLayout + HaloExchange. Periodic axes
// or zero-gradient walls. Exercises the grid path end to end (deck
// [parallel] keys, halo exchange, rank-count invariance) before the physics
// solvers exist. Diagnostics include an order-independent checksum of the
// field's bits, equal at every rank count when the field is.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "io/grid_io.hpp"
#include "io/xdmf.hpp"
#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/reduce.hpp"
#include "solvers/parallel_setup.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/diffusion_stencil.hpp"
#include "tests/test_solvers.hpp"

namespace tessera::testing {

namespace {

constexpr double kPi = 3.14159265358979323846;

deck::Schema diffusion_schema() {
  using deck::ValueType;
  deck::Schema s;
  s.table("grid", "the unit box [0, 1)^d and its cells");
  s.add("grid", "cells", ValueType::IntArray).def(std::vector<std::int64_t>{32, 1, 1}).len(3).at_least(1).doc_(
      "cells along x, y, z (1 = axis unused)");
  s.add("grid", "periodic", ValueType::Bool).def(true).doc_("periodic box, else zero-gradient walls");
  s.add("grid", "ghosts", ValueType::Int).def(1).range(1, 3).doc_("ghost layers exchanged (the stencil needs 1)");
  s.table("physics", "diffusion");
  s.add("physics", "diffusivity", ValueType::Float).def(1.0).above(0).units("length^2/time").doc_("D");
  s.add("physics", "cfl_number", ValueType::Float).def(0.4).above(0).at_most(0.5).doc_(
      "dt = cfl_number h^2 / (D dims)");
  return s;
}

// Bits of a double as an integer, summed modulo 2^52 so the checksum is
// exact in a double diagnostic and independent of summation order.
TESSERA_HD inline std::int64_t bits_of(double v) {
  std::int64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b & ((std::int64_t{1} << 52) - 1);
}

// The 7-point stencil's shape, captured by value into the kernel.
struct Stencil {
  int axes = 0;
  int dir[3][3] = {};  // unit offset of each active axis
  double inv_h2[3] = {0, 0, 0};
};

class DiffusionSolver final : public Solver {
 public:
  void setup(const deck::Deck& d, const RunContext& ctx) override {
    dev_ = ctx.device;
    auto c = d.integers("grid.cells");
    LayoutSpec spec;
    const bool periodic = d.boolean("grid.periodic");
    for (int a = 0; a < 3; ++a) {
      spec.cells[a] = static_cast<int>(c[a]);
      spec.periodic[a] = periodic;
    }
    spec.ghosts = static_cast<int>(d.integer("grid.ghosts"));
    spec.ranks = process_grid_request(d);
    layout_ = std::make_unique<CartesianLayout>(CartesianLayout::for_this_process(spec));
    transport_ = transport_from_deck(d, dev_);
    halo_ = std::make_unique<HaloExchange<double>>(*layout_, *transport_, 1, spec.ghosts);
    diffusivity_ = d.real("physics.diffusivity");
    cfl_ = d.real("physics.cfl_number");
    box_ = halo_->storage_box();
    io_ = std::make_unique<io::GridIO<double>>(*layout_, box_, dev_);
    u_ = Buffer<double>(dev_, static_cast<std::size_t>(box_.size()));
    next_ = Buffer<double>(dev_, static_cast<std::size_t>(box_.size()));
    fill(u_, 0.0);
    fill(next_, 0.0);
    for (int a = 0; a < 3; ++a)
      if (layout_->active(a)) axes_[naxes_++] = a;

    // u = 1 + prod_d sin(2 pi x_d) at cell centres of the active axes.
    const Range3 own = layout_->owned();
    const auto n = layout_->local_cells();
    const Span3<double> u(u_.data(), box_);
    const int c0 = spec.cells[0], c1 = spec.cells[1], c2 = spec.cells[2];
    for_each(dev_, Range3(n[0], n[1], n[2]), [=] TESSERA_HD(int i, int j, int k) {
      double v = 1.0;
      if (c0 > 1) v *= sin(2 * kPi * (own.lo[0] + i + 0.5) / c0);
      if (c1 > 1) v *= sin(2 * kPi * (own.lo[1] + j + 0.5) / c1);
      if (c2 > 1) v *= sin(2 * kPi * (own.lo[2] + k + 0.5) / c2);
      u(i, j, k) = 1.0 + 0.5 * v;
    });
  }

  double stable_dt() override {
    double h2 = 1e300;
    for (int a = 0; a < naxes_; ++a) {
      const double h = 1.0 / layout_->spec().cells[axes_[a]];
      h2 = std::min(h2, h * h);
    }
    return cfl_ * h2 / (diffusivity_ * std::max(naxes_, 1));
  }

  void advance(double dt) override {
    fill_ghosts();
    const auto n = layout_->local_cells();
    const Span3<const double> u(u_.data(), box_);
    const Span3<double> out(next_.data(), box_);
    Stencil st;
    st.axes = naxes_;
    for (int a = 0; a < naxes_; ++a) {
      const double h = 1.0 / layout_->spec().cells[axes_[a]];
      st.inv_h2[a] = 1.0 / (h * h);
      st.dir[a][axes_[a]] = 1;
    }
    const double dt_d = dt * diffusivity_;
    for_each(dev_, Range3(n[0], n[1], n[2]), [=] TESSERA_HD(int i, int j, int k) {
      double minus[3], plus[3];
      for (int a = 0; a < st.axes; ++a) {
        minus[a] = u(i - st.dir[a][0], j - st.dir[a][1], k - st.dir[a][2]);
        plus[a] = u(i + st.dir[a][0], j + st.dir[a][1], k + st.dir[a][2]);
      }
      out(i, j, k) = diffusion_update(u(i, j, k), minus, plus, st.inv_h2, st.axes, dt_d);
    });
    std::swap(u_, next_);
  }

  std::vector<Diagnostic> diagnostics() override {
    const auto n = layout_->local_cells();
    const Span3<const double> u(u_.data(), box_);
    const Range3 own(n[0], n[1], n[2]);
    const double total = reduce_sum(dev_, own, [=] TESSERA_HD(int i, int j, int k) { return u(i, j, k); });
    const std::int64_t sum_bits =
        reduce_sum(dev_, own, [=] TESSERA_HD(int i, int j, int k) { return bits_of(u(i, j, k)); });
    const double hi = reduce_max(dev_, own, [=] TESSERA_HD(int i, int j, int k) { return u(i, j, k); });
    const std::int64_t global_bits = collectives::sum(sum_bits) & ((std::int64_t{1} << 52) - 1);
    return {{"total", collectives::sum(total)},
            {"maximum", collectives::max(hi)},
            {"checksum", static_cast<double>(global_bits)}};
  }

  std::vector<SnapshotOutput> write_snapshot(const SnapshotRequest& r) override {
    std::vector<io::GridField<double>> fields;
    if (r.wants("u")) fields.push_back({"u", u_.data()});
    io::XdmfGridDesc desc = io_->write_snapshot(r.output_dir / r.relative_path(), r.relative_path(), r.meta(), fields);
    return {snapshot_output(r.name, desc)};
  }

  void write_checkpoint(io::CheckpointWriter& w) override { io_->write(w.state(), "u", u_.data()); }
  void read_checkpoint(const io::CheckpointReader& r) override { io_->read(r.state(), "u", u_.data()); }

  FigureOfMerit figure_of_merit() const override {
    const auto& c = layout_->spec().cells;
    return {"cell-updates/s", static_cast<double>(c[0]) * c[1] * c[2]};
  }

  // Halo exchange, then zero-gradient ghosts on walls (copy the edge cell).
  // Public only because nvcc forbids device lambdas in private members.
  void fill_ghosts() {
    halo_->exchange(u_.data());
    const auto n = layout_->local_cells();
    const Span3<double> u(u_.data(), box_);
    const int g = halo_->ghosts();
    for (int a = 0; a < naxes_; ++a) {
      const int axis = axes_[a];
      for (int side = 0; side < 2; ++side) {
        std::array<int, 3> dirv{0, 0, 0};
        dirv[axis] = side ? 1 : -1;
        if (layout_->neighbour(dirv).rank >= 0) continue;
        Range3 slab = box_;
        slab.lo[axis] = side ? n[axis] : -g;
        slab.hi[axis] = side ? n[axis] + g : 0;
        const int edge = side ? n[axis] - 1 : 0;
        for_each(dev_, slab, [=] TESSERA_HD(int i, int j, int k) {
          int s[3] = {i, j, k};
          s[axis] = edge;
          u(i, j, k) = u(s[0], s[1], s[2]);
        });
      }
    }
  }

 private:
  Device dev_;
  std::unique_ptr<CartesianLayout> layout_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<HaloExchange<double>> halo_;
  std::unique_ptr<io::GridIO<double>> io_;
  Range3 box_;
  Buffer<double> u_, next_;
  int axes_[3] = {0, 0, 0};
  int naxes_ = 0;
  double diffusivity_ = 1, cfl_ = 0.4;
};

}  // namespace

void register_diffusion_solver() {
  SolverRegistry::instance().add_once({"test.diffusion", "test-only: explicit heat equation on a decomposed grid", diffusion_schema,
                [] { return std::make_unique<DiffusionSolver>(); }, {"u"}});
}

}  // namespace tessera::testing
