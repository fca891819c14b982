// nbody.direct's ring: forces at any rank count equal a brute-force sum over
// the same bodies to 1e-12 relative (double), the initial conditions are the
// same bodies at any rank count, and the ring uses the auto transport.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "io/hdf5_file.hpp"
#include "runtime/collectives.hpp"
#include "runtime/format.hpp"
#include "solvers/driver.hpp"
#include "solvers/nbody/initial_conditions.hpp"

namespace fs = std::filesystem;
using namespace tessera;

TEST(NbodyRing, ForcesMatchBruteForceAtAnyRankCount) {
  const int n = 1000;
  const double eps = 0.015625;
  fs::path out = fs::temp_directory_path() / strfmt("tessera_nbody_ring_%d", collectives::size());
  if (collectives::rank() == 0) fs::remove_all(out);
  collectives::barrier();
  RunOptions o;
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  o.deck_path = std::string(src && *src ? src : TESSERA_SOURCE_DIR) + "/inputs/nbody/plummer.toml";
  o.output_dir = out.string();
  o.overrides = {strfmt("problem.n=%d", n), "run.t_end=1", "run.steps=0", "output.every_time=1",
                 "output.fields=[\"mass\",\"acceleration\",\"potential\"]"};
  run(o);
  if (collectives::rank() != 0) return;
  // Brute force in long double over the same bodies.
  nbody::Bodies b = nbody::plummer(n, 1, 0.999);
  h5::File f((out / "snapshots" / "snapshot_00000.h5").string(), h5::File::Mode::ReadOnly, false);
  const h5::Location g = f.open_group("particles");
  auto ids = g.open_dataset("id").read_all<std::int64_t>();
  auto pos = g.open_dataset("position").read_all<double>();
  auto acc = g.open_dataset("acceleration").read_all<double>();
  auto pot = g.open_dataset("potential").read_all<double>();
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(n));
  long double err2 = 0, norm2 = 0, perr = 0, pnorm = 0;
  for (std::size_t r = 0; r < ids.size(); ++r) {
    const auto i = static_cast<std::size_t>(ids[r]);
    // The snapshot holds the same initial positions, bit for bit.
    ASSERT_EQ(pos[3 * r], b.x[i]);
    ASSERT_EQ(pos[3 * r + 2], b.z[i]);
    long double a[3] = {0, 0, 0}, phi = 0;
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (j == i) continue;
      const long double dx = b.x[j] - b.x[i], dy = b.y[j] - b.y[i], dz = b.z[j] - b.z[i];
      const long double r2 = dx * dx + dy * dy + dz * dz + (long double)eps * eps;
      const long double inv = 1.0L / std::sqrt(r2);
      a[0] += b.m[j] * dx * inv * inv * inv;
      a[1] += b.m[j] * dy * inv * inv * inv;
      a[2] += b.m[j] * dz * inv * inv * inv;
      phi -= b.m[j] * inv;
    }
    for (int c = 0; c < 3; ++c) {
      err2 += (acc[3 * r + c] - a[c]) * (acc[3 * r + c] - a[c]);
      norm2 += a[c] * a[c];
    }
    perr += (pot[r] - phi) * (pot[r] - phi);
    pnorm += phi * phi;
  }
  EXPECT_LT(std::sqrt(err2 / norm2), 1e-12) << collectives::size() << " ranks";
  EXPECT_LT(std::sqrt(perr / pnorm), 1e-12);
}
