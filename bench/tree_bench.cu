// Barnes-Hut tree gravity (solvers/nbody/octree.hpp), one force evaluation
// on one rank: a Plummer sphere (Henon units, epsilon 1/1024 by default),
// the tree built and walked for every body. Reports seconds per evaluation
// split into sort (box, keys, key sort, reordering), build, moments and walk
// (no exchange on one rank), the interactions actually evaluated per body,
// the equivalent direct interactions/s (N (N - 1) / time), and, with
// --direct, the direct summation's time on the same bodies (the crossover).
//
//   tessera_bench_tree [--n 1048576,8388608,33554432] [--precision single|double]
//                      [--theta 0.5] [--monopole] [--leaf 16] [--group 32]
//                      [--softening plummer|spline] [--gpu-walk portable|warp]
//                      [--device auto|cpu|gpu] [--repeat 3] [--direct]
//
// --gpu-walk: the walk on a CUDA device, the portable one (a thread per
// target, the default) or the warp walk (tree_walk_warp.cu: a warp walks a
// group cooperatively); the host ignores it.
//
// Each phase ends on the device before its clock stops (synchronising
// timers), so the phases add up to the evaluation; the warm-up evaluation
// (allocations, module load) is not counted.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/buffer.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/timers.hpp"
#include "solvers/nbody/gravity_forces.hpp"
#include "solvers/nbody/initial_conditions.hpp"
#include "solvers/nbody/octree.hpp"

using namespace tessera;
using namespace tessera::nbody;

namespace {

struct Options {
  std::vector<std::int64_t> sizes{1048576, 8388608, 33554432};
  std::string precision = "single", device = "auto", softening = "plummer", gpu_walk = "portable";
  double theta = 0.5, eps = 1.0 / 1024;
  bool monopole = false, direct = false;
  int leaf = 16, group = 32, repeat = 3;
};

Buffer<double> upload(const Device& dev, const std::vector<double>& v) {
  Buffer<double> b(dev, v.size());
  b.copy_from_host(v);
  return b;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void bench_size(const Device& dev, const Options& o, const GravityParams& g, std::int64_t n) {
  const Bodies b = plummer(n, 1, 0.999);
  Buffer<double> x = upload(dev, b.x), y = upload(dev, b.y), z = upload(dev, b.z), m = upload(dev, b.m);
  const std::vector<double> zero(static_cast<std::size_t>(n), 0.0);
  Buffer<double> ax = upload(dev, zero), ay = upload(dev, zero), az = upload(dev, zero), pot = upload(dev, zero);
  const Sources s{x.data(), y.data(), z.data(), m.data(), n};
  const Targets t{x.data(), y.data(), z.data(), n, ax.data(), ay.data(), az.data(), pot.data()};
  OpeningParams p;
  p.theta = o.theta;
  p.quadrupole = !o.monopole;
  p.leaf_size = o.leaf;
  p.group_size = o.group;
  p.gpu_walk = o.gpu_walk == "warp" ? OpeningParams::GpuWalk::Warp : OpeningParams::GpuWalk::Portable;
  Octree tree(dev);
  Timers warm(dev, true), timers(dev, true);
  WalkCounts counts;
  auto evaluate = [&](Timers& tm) {
    tree.build(s, p, &tm);
    auto scope = tm.scope("tree walk");
    counts = tree.walk(g, p, t, 0, nullptr);
  };
  evaluate(warm);
  dev.synchronize();
  std::vector<double> totals;
  for (int r = 0; r < o.repeat; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    evaluate(timers);
    dev.synchronize();
    totals.push_back(seconds_since(t0));
  }
  std::sort(totals.begin(), totals.end());
  const double median = totals[totals.size() / 2];
  const double nn = static_cast<double>(n), equivalent = nn * (nn - 1);
  auto per = [&](const char* region) { return timers.seconds(region) / o.repeat; };
  const std::string walk = !dev.is_cuda() ? "host lists"
                           : (o.gpu_walk == "warp" && o.group <= 32 ? "warp walk" : "portable walk");
  logging::info(strfmt("tree N=%lld %s %s theta %.2f %s leaf %d group %d %s on %s: %lld nodes, %d levels",
                       static_cast<long long>(n), o.precision.c_str(), o.softening.c_str(), o.theta,
                       o.monopole ? "monopole" : "quadrupole", o.leaf, o.group, walk.c_str(),
                       dev.describe().c_str(), static_cast<long long>(tree.nodes()), tree.levels()));
  logging::info(strfmt("  median %.4g s per evaluation (%d repeats): sort %.4g, build %.4g, moments %.4g, walk %.4g, "
                       "exchange 0 (one rank) s (means)",
                       median, o.repeat, per("tree sort"), per("tree build"), per("tree moments"), per("tree walk")));
  logging::info(strfmt("  %.0f body + %.0f node interactions per body; %.4g direct-equivalent interactions/s, "
                       "%.4g evaluated interactions/s",
                       counts.body_interactions / nn, counts.node_interactions / nn, equivalent / median,
                       (counts.body_interactions + counts.node_interactions) / median));
  if (counts.warp_fallback_groups > 0)
    logging::info(strfmt("  warp walk: %lld of %lld groups overflowed the queue and were walked per target",
                         static_cast<long long>(counts.warp_fallback_groups),
                         static_cast<long long>((n + o.group - 1) / o.group)));
  if (o.direct) {
    auto pass = [&] {
      accumulate_gravity(dev, g, s, t, true);
      dev.synchronize();
    };
    pass();
    std::vector<double> d;
    for (int r = 0; r < o.repeat; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      pass();
      d.push_back(seconds_since(t0));
    }
    std::sort(d.begin(), d.end());
    const double dm = d[d.size() / 2];
    logging::info(strfmt("  direct summation: median %.4g s per pass (%.4g interactions/s); tree / direct = %.3g",
                         dm, equivalent / dm, median / dm));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tessera Barnes-Hut tree gravity benchmark (one force evaluation)"};
  Options o;
  app.add_option("--n", o.sizes, "body counts (comma separated)")->delimiter(',');
  app.add_option("--precision", o.precision, "single or double")->check(CLI::IsMember({"single", "double"}));
  app.add_option("--theta", o.theta, "opening angle");
  app.add_option("--epsilon", o.eps, "softening length (Plummer-equivalent for the spline)");
  app.add_option("--softening", o.softening, "plummer or spline")->check(CLI::IsMember({"plummer", "spline"}));
  app.add_flag("--monopole", o.monopole, "monopoles only (default: quadrupoles)");
  app.add_option("--leaf", o.leaf, "most bodies in a leaf")->check(CLI::PositiveNumber);
  app.add_option("--group", o.group, "bodies per walk group")->check(CLI::PositiveNumber);
  app.add_option("--gpu-walk", o.gpu_walk, "the walk on a CUDA device: portable or warp")
      ->check(CLI::IsMember({"portable", "warp"}));
  app.add_option("--device", o.device, "auto, cpu or gpu");
  app.add_option("--repeat", o.repeat, "timed evaluations per size (median reported)")->check(CLI::PositiveNumber);
  app.add_flag("--direct", o.direct, "also time direct summation on the same bodies");
  CLI11_PARSE(app, argc, argv);
  try {
    const Device dev = Device::select(parse_device_choice(o.device));
    GravityParams g;
    g.eps = o.eps;
    g.softening = o.softening == "spline" ? gravity::Softening::Spline : gravity::Softening::Plummer;
    g.precision = o.precision == "single" ? Precision::Single : Precision::Double;
    for (std::int64_t n : o.sizes) {
      if (n < 2) throw Error(strfmt("--n %lld: need at least 2 bodies", static_cast<long long>(n)));
      bench_size(dev, o, g, n);
    }
  } catch (const Error& e) {
    logging::error(e.describe());
    return 1;
  }
  return 0;
}
