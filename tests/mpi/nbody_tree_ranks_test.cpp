// nbody.tree at this job's rank count (ctest runs 1, 2, 3, 4 and 8): forces
// on the same bodies against direct summation, within the tree's tolerance
// at theta = 0.5 (99th percentile of |da|/|a| below 1e-3) and to round-off
// at theta = 0 (every node opened), whatever the number of ranks; and
// against one rank's tree (in this process): the same bits on one rank, and
// on several (each rank's own tree plus the locally essential part of the
// others', so not the same bits) within the same tolerance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "runtime/collectives.hpp"
#include "runtime/format.hpp"
#include "solvers/driver.hpp"
#include "runtime/buffer.hpp"
#include "solvers/nbody/gravity_forces.hpp"
#include "solvers/nbody/initial_conditions.hpp"
#include "solvers/nbody/octree.hpp"

namespace fs = std::filesystem;
using namespace tessera;

namespace {

fs::path tree_step_zero(const std::string& name, int n, double theta) {
  fs::path out = fs::temp_directory_path() / strfmt("%s_%d", name.c_str(), collectives::size());
  if (collectives::rank() == 0) fs::remove_all(out);
  collectives::barrier();
  RunOptions o;
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  o.deck_path = std::string(src && *src ? src : TESSERA_SOURCE_DIR) + "/inputs/nbody/plummer.toml";
  o.output_dir = out.string();
  o.device = "cpu";  // the bitwise comparison with the in-process host tree
  o.overrides = {"run.solver=nbody.tree", strfmt("physics.theta=%g", theta), strfmt("problem.n=%d", n), "run.t_end=1",
                 "run.steps=0", "output.every_time=1", "output.fields=[\"mass\",\"acceleration\",\"potential\"]"};
  run(o);
  return out;
}

struct Errors {
  std::vector<double> direct, one_rank;  // |da|/|a| per body
};

// Relative acceleration errors of the step-0 snapshot against direct
// summation (double) and against one rank's tree over the sampler's bodies.
Errors errors_against_direct(const fs::path& out, int n, double eps, double theta) {
  Errors err;
  const nbody::Bodies b = nbody::plummer(n, 1, 0.999);
  h5::File f((out / "snapshots" / "snapshot_00000.h5").string(), h5::File::Mode::ReadOnly, false);
  const h5::Location g = f.open_group("particles");
  const auto ids = g.open_dataset("id").read_all<std::int64_t>();
  const auto pos = g.open_dataset("position").read_all<double>();
  const auto acc = g.open_dataset("acceleration").read_all<double>();
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
  // One rank's tree on the host, in this process: the same bits.
  {
    const Device host = Device::host();
    auto up = [&](const std::vector<double>& v) {
      Buffer<double> d(host, v.size());
      d.copy_from_host(v);
      return d;
    };
    Buffer<double> x = up(b.x), y = up(b.y), z = up(b.z), m = up(b.m);
    std::vector<double> zero(b.size(), 0.0);
    Buffer<double> ax = up(zero), ay = up(zero), az = up(zero), pot = up(zero);
    nbody::GravityParams gp;
    gp.eps = eps;
    nbody::OpeningParams op;
    op.theta = theta;
    nbody::Octree tree(host);
    tree.build({x.data(), y.data(), z.data(), m.data(), static_cast<std::int64_t>(n)}, op);
    tree.walk(gp, op, {x.data(), y.data(), z.data(), static_cast<std::int64_t>(n), ax.data(), ay.data(), az.data(), pot.data()},
              0, nullptr);
    const auto hx = ax.to_host(), hy = ay.to_host(), hz = az.to_host();
    int differ = 0;
    for (std::size_t r = 0; r < ids.size(); ++r) {
      const auto i = static_cast<std::size_t>(ids[r]);
      differ += acc[3 * r] != hx[i] || acc[3 * r + 1] != hy[i] || acc[3 * r + 2] != hz[i];
      const double d[3] = {acc[3 * r] - hx[i], acc[3 * r + 1] - hy[i], acc[3 * r + 2] - hz[i]};
      err.one_rank.push_back(std::sqrt((d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) /
                                       (hx[i] * hx[i] + hy[i] * hy[i] + hz[i] * hz[i])));
    }
    if (collectives::size() == 1) {
      EXPECT_EQ(differ, 0) << "bodies whose acceleration differs from the in-process tree";
    }
  }
  std::vector<double>& e = err.direct;
  for (std::size_t r = 0; r < ids.size(); ++r) {
    const auto i = static_cast<std::size_t>(ids[r]);
    EXPECT_EQ(pos[3 * r], b.x[i]);
    double a[3] = {0, 0, 0};
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (j == i) continue;
      const double dx = b.x[j] - b.x[i], dy = b.y[j] - b.y[i], dz = b.z[j] - b.z[i];
      const double inv = 1.0 / std::sqrt(dx * dx + dy * dy + dz * dz + eps * eps);
      a[0] += b.m[j] * dx * inv * inv * inv, a[1] += b.m[j] * dy * inv * inv * inv, a[2] += b.m[j] * dz * inv * inv * inv;
    }
    double d2 = 0, a2 = 0;
    for (int c = 0; c < 3; ++c) d2 += (acc[3 * r + c] - a[c]) * (acc[3 * r + c] - a[c]), a2 += a[c] * a[c];
    e.push_back(std::sqrt(d2 / a2));
  }
  return err;
}

}  // namespace

TEST(NbodyTreeRanks, ForcesWithinTheTreeToleranceAtAnyRankCount) {
  const int n = 3000;
  const double eps = 0.015625;
  for (double theta : {0.0, 0.5}) {
    const fs::path out = tree_step_zero(strfmt("tessera_nbody_tree_%g", theta), n, theta);
    if (collectives::rank() != 0) continue;
    Errors err = errors_against_direct(out, n, eps, theta);
    std::vector<double>& e = err.direct;
    std::vector<double>& o = err.one_rank;
    std::sort(e.begin(), e.end());
    std::sort(o.begin(), o.end());
    const double p50 = e[e.size() / 2], p99 = e[e.size() * 99 / 100], worst = e.back();
    const double o99 = o[o.size() * 99 / 100], oworst = o.back();
    std::printf("nbody.tree on %d ranks, theta %.1f: |da|/|a| vs direct 50%% %.3e 99%% %.3e max %.3e; "
                "vs one rank's tree 99%% %.3e max %.3e\n",
                collectives::size(), theta, p50, p99, worst, o99, oworst);
    if (theta == 0) {
      EXPECT_LT(worst, 1e-12) << collectives::size() << " ranks";
      EXPECT_LT(oworst, 1e-12) << collectives::size() << " ranks";
    } else {
      EXPECT_LT(p99, 1e-3) << collectives::size() << " ranks";
      EXPECT_LT(o99, 1e-3) << collectives::size() << " ranks";
    }
  }
}
