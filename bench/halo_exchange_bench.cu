// Halo-exchange benchmark: a periodic field of C components with G ghost
// layers, N^3 cells per rank, exchanged repeatedly. Reports the median time
// per exchange and the effective bandwidth (bytes packed + unpacked + sent,
// i.e. every ghost byte read and written once on each side).
//
//   tessera_bench_halo [--cells 256] [--components 5] [--ghosts 2] [--iterations 20]
//                      [--transport auto|mpi|nccl] [--device auto|cpu|gpu] [--float]
//   mpirun -np 4 tessera_bench_halo ...   (each rank holds N^3 cells)
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "decomposition/transport.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/mpi_env.hpp"

using namespace tessera;

namespace {

template <class T>
void fill_pattern(const Device& dev, Buffer<T>& b) {
  T* p = b.data();
  // Non-zero, position-dependent data (zeros can time differently).
  for_each(dev, static_cast<std::int64_t>(b.size()), [=] TESSERA_HD(int i) { p[i] = T(1 + (i % 1013)); });
}

template <class T>
int run(int cells, int comps, int ghosts, int iterations, TransportKind kind, const Device& dev) {
  const int n = collectives::size();
  LayoutSpec spec;
  spec.ghosts = ghosts;
  spec.periodic = {true, true, true};
  spec.ranks = CartesianLayout::choose_process_grid(n, [&] {
    LayoutSpec s;
    s.cells = {cells * n, cells * n, cells * n};
    return s;
  }());
  for (int d = 0; d < 3; ++d) spec.cells[d] = cells * spec.ranks[d];
  CartesianLayout layout = CartesianLayout::for_this_process(spec);
  auto transport = make_transport(kind, dev);
  HaloExchange<T> halo(layout, *transport, comps, ghosts);
  Buffer<T> field(dev, static_cast<std::size_t>(halo.component_stride() * comps));
  fill_pattern(dev, field);

  // Ghost bytes per rank per exchange: storage minus owned cells.
  const double ghost_cells = static_cast<double>(halo.component_stride()) - double(cells) * cells * cells;
  const double bytes = ghost_cells * comps * sizeof(T);
  for (int w = 0; w < 3; ++w) halo.exchange(field.data());
  dev.synchronize();
  std::vector<double> times;
  for (int it = 0; it < iterations; ++it) {
    collectives::barrier();
    auto t0 = std::chrono::steady_clock::now();
    halo.exchange(field.data());
    dev.synchronize();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  const double median = collectives::max(times[times.size() / 2]);
  // Each ghost byte is read from the owner, packed, sent, received and
  // unpacked: count it written once and read once on the device.
  const double gbs = 2.0 * bytes / median / 1e9;
  logging::info(strfmt("halo exchange: %d rank(s) %dx%dx%d, %d^3 cells/rank, %d comps (%s), G=%d, %s on %s",
                   n, layout.process_grid()[0], layout.process_grid()[1], layout.process_grid()[2], cells, comps,
                   sizeof(T) == 8 ? "double" : "float", ghosts, transport->name(), dev.describe().c_str()));
  logging::info(strfmt("  median %.3f ms per exchange (min %.3f, max %.3f), ghost data %.1f MB/rank, effective %.2f GB/s/rank",
                   median * 1e3, times.front() * 1e3, times.back() * 1e3, bytes / 1e6, gbs));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MpiEnvironment mpi(&argc, &argv);
  CLI::App app{"Tessera halo-exchange benchmark"};
  int cells = 256, comps = 5, ghosts = 2, iterations = 20;
  std::string transport = "auto", device = "auto";
  bool single = false;
  app.add_option("--cells", cells, "cells per rank along each axis");
  app.add_option("--components", comps, "field components");
  app.add_option("--ghosts", ghosts, "ghost layers");
  app.add_option("--iterations", iterations, "timed exchanges");
  app.add_option("--transport", transport, "auto, mpi or nccl");
  app.add_option("--device", device, "auto, cpu or gpu");
  app.add_flag("--float", single, "single-precision field");
  CLI11_PARSE(app, argc, argv);
  try {
    Device dev = Device::select(parse_device_choice(device), mpi.local_rank());
    TransportKind kind = parse_transport_kind(transport);
    return single ? run<float>(cells, comps, ghosts, iterations, kind, dev)
                  : run<double>(cells, comps, ghosts, iterations, kind, dev);
  } catch (const Error& e) {
    logging::error(e.describe());
    MpiEnvironment::abort(1);
  }
}
