// test.decay: independent cells y_i' = -k_i y_i with k_i = rate (1 + i/N),
// i the global cell index. Each scheme has a closed-form discrete solution,
// so tests can check the driver's step count, times and diagnostics exactly,
// at any rank count and on either backend.
#include <cmath>
#include <cstdio>
#include <memory>

#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/reduce.hpp"
#include "solvers/solver_registry.hpp"
#include "tests/test_solvers.hpp"

namespace tessera::testing {

namespace {

deck::Schema decay_schema() {
  using deck::ValueType;
  deck::Schema s;
  s.table("physics", "decay rates and time integration");
  s.add("physics", "rate", ValueType::Float).def(1.0).above(0).units("1/time").doc_("slowest decay rate k_0");
  s.add("physics", "cfl_number", ValueType::Float).def(0.5).above(0).at_most(1).doc_("dt = cfl_number / k_max");
  s.add("physics", "scheme", ValueType::String).def("rk2").one_of({"euler", "rk2"}).doc_("time integrator");
  s.table("problem", "cells and initial value");
  s.add("problem", "cells", ValueType::IntArray).def(std::vector<std::int64_t>{16, 1, 1}).len(3).at_least(1).doc_(
      "cells along x, y, z");
  s.add("problem", "initial", ValueType::Float).def(1.0).doc_("initial value of every cell");
  s.add("problem", "fail_at_step", ValueType::Int).def(-1).at_least(-1).doc_(
      "throw a tessera::Error in this step (tests the failure path; -1 = never)");
  s.add("problem", "fail_rank", ValueType::Int).def(0).at_least(0).doc_("the rank that fails");
  return s;
}

class DecaySolver final : public Solver {
 public:
  void setup(const deck::Deck& d, const RunContext& ctx) override {
    dev_ = ctx.device;
    rank_ = ctx.rank;
    rate_ = d.real("physics.rate");
    cfl_ = d.real("physics.cfl_number");
    rk2_ = d.string("physics.scheme") == "rk2";
    fail_at_ = d.integer("problem.fail_at_step");
    fail_rank_ = static_cast<int>(d.integer("problem.fail_rank"));
    auto c = d.integers("problem.cells");
    total_cells_ = c[0] * c[1] * c[2];
    const std::int64_t begin = total_cells_ * ctx.rank / ctx.size, end = total_cells_ * (ctx.rank + 1) / ctx.size;
    first_ = begin;
    y_ = Buffer<double>(dev_, static_cast<std::size_t>(end - begin));
    k_ = Buffer<double>(dev_, static_cast<std::size_t>(end - begin));
    double* k = k_.data();
    const double rate = rate_, n = static_cast<double>(total_cells_);
    const std::int64_t first = first_;
    for_each(dev_, end - begin, [=] TESSERA_HD(int i) { k[i] = rate * (1.0 + static_cast<double>(first + i) / n); });
    fill(y_, d.real("problem.initial"));
  }

  double stable_dt() override {
    const double* k = k_.data();
    double kmax = reduce_max(dev_, static_cast<std::int64_t>(k_.size()), [=] TESSERA_HD(int i) { return k[i]; });
    return cfl_ / collectives::max(kmax);
  }

  void advance(double dt) override {
    ++step_;
    if (step_ == fail_at_ && rank_ == fail_rank_)
      throw Error(strfmt("injected failure at step %lld", static_cast<long long>(step_)));
    double* y = y_.data();
    const double* k = k_.data();
    const bool rk2 = rk2_;
    for_each(dev_, static_cast<std::int64_t>(y_.size()), [=] TESSERA_HD(int i) {
      const double h = k[i] * dt;
      y[i] *= rk2 ? 1.0 - h + 0.5 * h * h : 1.0 - h;
    });
  }

  std::vector<Diagnostic> diagnostics() override {
    const double* y = y_.data();
    const auto n = static_cast<std::int64_t>(y_.size());
    double total = reduce_sum(dev_, n, [=] TESSERA_HD(int i) { return y[i]; });
    double lo = reduce_min(dev_, n, [=] TESSERA_HD(int i) { return y[i]; });
    double hi = reduce_max(dev_, n, [=] TESSERA_HD(int i) { return y[i]; });
    return {{"total", collectives::sum(total)}, {"minimum", collectives::min(lo)}, {"maximum", collectives::max(hi)}};
  }

  std::vector<SnapshotOutput> write_snapshot(const SnapshotRequest& r) override {
    // A text stand-in for a snapshot: one line the driver tests can read.
    auto diag = diagnostics();
    if (rank_ != 0) return {};
    auto path = r.output_dir / "snapshots" / strfmt("%s_%05d.txt", r.name.c_str(), r.index);
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) throw Error("cannot write " + path.string(), "fopen");
    std::fprintf(f, "%lld %.17g %.17g\n", static_cast<long long>(r.step), r.time, diag[0].second);
    std::fclose(f);
    return {};
  }

  FigureOfMerit figure_of_merit() const override {
    return {"cell-updates/s", static_cast<double>(total_cells_)};
  }

 private:
  Device dev_;
  int rank_ = 0, fail_rank_ = 0;
  double rate_ = 1, cfl_ = 0.5;
  bool rk2_ = true;
  std::int64_t total_cells_ = 0, first_ = 0, step_ = 0, fail_at_ = -1;
  Buffer<double> y_, k_;
};

}  // namespace

void register_test_solvers() {
  register_diffusion_solver();
  SolverRegistry::instance().add_once({"test.decay",
                                       "test-only: independent decaying cells with an exact discrete solution",
                                       decay_schema, [] { return std::make_unique<DecaySolver>(); }, {}});
}

}  // namespace tessera::testing
