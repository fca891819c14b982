// Snapshot write bandwidth: a periodic grid of N^3 cells in total (split over
// the ranks) with F double fields, written as one grid snapshot with
// collective MPI-IO. Reports the median wall time of the write (from before
// the device-to-host copies to after the file is closed) and GB/s of field data.
//
//   tessera_bench_snapshot [--cells 256] [--fields 5] [--repeat 3] [--dir /tmp] [--device auto|cpu|gpu]
//   mpirun -np 4 tessera_bench_snapshot ...
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "decomposition/halo_exchange.hpp"
#include "io/grid_io.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/mpi_env.hpp"

namespace fs = std::filesystem;

namespace {

void fill_pattern(const tessera::Device& dev, tessera::Buffer<double>& b, int seed) {
  double* p = b.data();
  tessera::for_each(dev, static_cast<std::int64_t>(b.size()),
                    [=] TESSERA_HD(int i) { p[i] = 1.0 + ((i * 7919 + seed) % 10007) * 1e-4; });
}

int run(int cells, int nfields, int repeat, const fs::path& dir, const tessera::Device& dev) {
  using namespace tessera;
  LayoutSpec spec;
  spec.cells = {cells, cells, cells};
  spec.periodic = {true, true, true};
  spec.ghosts = 2;
  CartesianLayout layout = CartesianLayout::for_this_process(spec);
  const Range3 box = HaloExchange<double>::storage_box(layout, spec.ghosts);
  std::vector<Buffer<double>> fields;
  std::vector<io::GridField<double>> refs;
  for (int f = 0; f < nfields; ++f) {
    fields.emplace_back(dev, static_cast<std::size_t>(box.size()));
    fill_pattern(dev, fields.back(), f);
  }
  for (int f = 0; f < nfields; ++f) refs.push_back({strfmt("field_%d", f), fields[f].data()});
  io::GridIO<double> gio(layout, box, dev);
  const fs::path path = dir / strfmt("tessera_bench_snapshot_%d.h5", collectives::size());
  std::vector<double> times;
  for (int r = 0; r < repeat; ++r) {
    dev.synchronize();
    collectives::barrier();
    auto t0 = std::chrono::steady_clock::now();
    gio.write_snapshot(path, path.filename().string(), {0.0, 0, "", "bench"}, refs);
    collectives::barrier();
    times.push_back(collectives::max(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
  }
  if (collectives::rank() == 0) fs::remove(path);
  std::sort(times.begin(), times.end());
  const double bytes = double(cells) * cells * cells * nfields * sizeof(double);
  logging::info(strfmt("snapshot write: %d^3 cells, %d double fields (%.2f GB), %d rank(s) %dx%dx%d, %s", cells,
                       nfields, bytes / 1e9, collectives::size(), layout.process_grid()[0], layout.process_grid()[1],
                       layout.process_grid()[2], dev.describe().c_str()));
  logging::info(strfmt("  median %.3f s (min %.3f, max %.3f): %.2f GB/s into %s", times[times.size() / 2],
                       times.front(), times.back(), bytes / times[times.size() / 2] / 1e9, dir.c_str()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  tessera::MpiEnvironment mpi(&argc, &argv);
  CLI::App app{"Tessera snapshot-write benchmark"};
  int cells = 256, nfields = 5, repeat = 3;
  std::string dir = fs::temp_directory_path().string(), device = "auto";
  app.add_option("--cells", cells, "global cells along each axis");
  app.add_option("--fields", nfields, "double fields");
  app.add_option("--repeat", repeat, "timed writes");
  app.add_option("--dir", dir, "directory to write into");
  app.add_option("--device", device, "auto, cpu or gpu");
  CLI11_PARSE(app, argc, argv);
  try {
    tessera::Device dev = tessera::Device::select(tessera::parse_device_choice(device), mpi.local_rank());
    return run(cells, nfields, repeat, dir, dev);
  } catch (const tessera::Error& e) {
    tessera::logging::error(e.describe());
    tessera::MpiEnvironment::abort(1);
  }
}
