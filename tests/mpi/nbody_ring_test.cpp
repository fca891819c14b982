// nbody.direct's ring: forces at any rank count equal a brute-force sum over
// the same bodies to 1e-12 relative (double), the initial conditions are the
// same bodies at any rank count (also after the virial-equilibrium velocity
// scaling), and the ring uses the auto transport.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "runtime/collectives.hpp"
#include "runtime/format.hpp"
#include "solvers/driver.hpp"
#include "solvers/nbody/initial_conditions.hpp"

namespace fs = std::filesystem;
using namespace tessera;

namespace {

// inputs/nbody/plummer.toml with n bodies run to its step-0 snapshot on every
// rank of the job (a fresh directory per rank count); returns the output.
fs::path plummer_step_zero(const std::string& name, int n, std::vector<std::string> extra) {
  fs::path out = fs::temp_directory_path() / strfmt("%s_%d", name.c_str(), collectives::size());
  if (collectives::rank() == 0) fs::remove_all(out);
  collectives::barrier();
  RunOptions o;
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  o.deck_path = std::string(src && *src ? src : TESSERA_SOURCE_DIR) + "/inputs/nbody/plummer.toml";
  o.output_dir = out.string();
  o.overrides = {strfmt("problem.n=%d", n), "run.t_end=1", "run.steps=0", "output.every_time=1"};
  o.overrides.insert(o.overrides.end(), extra.begin(), extra.end());
  run(o);
  return out;
}

}  // namespace

TEST(NbodyRing, ForcesMatchBruteForceAtAnyRankCount) {
  const int n = 1000;
  const double eps = 0.015625;
  const fs::path out =
      plummer_step_zero("tessera_nbody_ring", n, {"output.fields=[\"mass\",\"acceleration\",\"potential\"]"});
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

TEST(NbodyRing, VirialScalingIsTheSameAtAnyRankCount) {
  // problem.virial_equilibrium: K and W come from rank-local sums and a
  // collective, so the factor may differ from the single-rank one only by
  // round-off; positions stay the sampler's, bit for bit.
  const int n = 1000;
  const double eps = 0.015625;
  const fs::path out =
      plummer_step_zero("tessera_nbody_virial", n, {"problem.virial_equilibrium=true", "output.fields=[\"velocity\"]"});
  if (collectives::rank() != 0) return;
  nbody::Bodies b = nbody::plummer(n, 1, 0.999);
  // The factor that makes 2K/|W| = 1 for these bodies, in long double.
  long double kin = 0, pot = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    kin += 0.5L * b.m[i] * ((long double)b.vx[i] * b.vx[i] + (long double)b.vy[i] * b.vy[i] + (long double)b.vz[i] * b.vz[i]);
    for (std::size_t j = i + 1; j < b.size(); ++j) {
      const long double dx = b.x[j] - b.x[i], dy = b.y[j] - b.y[i], dz = b.z[j] - b.z[i];
      pot -= (long double)b.m[i] * b.m[j] / std::sqrt(dx * dx + dy * dy + dz * dz + (long double)eps * eps);
    }
  }
  const double s = static_cast<double>(std::sqrt(-pot / (2 * kin)));
  h5::File f((out / "snapshots" / "snapshot_00000.h5").string(), h5::File::Mode::ReadOnly, false);
  const h5::Location g = f.open_group("particles");
  auto ids = g.open_dataset("id").read_all<std::int64_t>();
  auto pos = g.open_dataset("position").read_all<double>();
  auto vel = g.open_dataset("velocity").read_all<double>();
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(n));
  for (std::size_t r = 0; r < ids.size(); ++r) {
    const auto i = static_cast<std::size_t>(ids[r]);
    ASSERT_EQ(pos[3 * r], b.x[i]);
    ASSERT_EQ(pos[3 * r + 1], b.y[i]);
    ASSERT_EQ(pos[3 * r + 2], b.z[i]);
    const double v[3] = {b.vx[i], b.vy[i], b.vz[i]};
    for (int c = 0; c < 3; ++c)
      ASSERT_NEAR(vel[3 * r + c], s * v[c], 1e-13 * std::fabs(v[c])) << collectives::size() << " ranks, body " << i;
  }
}
