// cfd.euler's host split stage (row by row along x, euler_host_stage.cpp)
// against the per-face kernels it replaces on the host (face_fluxes +
// runge_kutta_update): the same bits for every reconstruction x limiter x
// Riemann solver, in 3-D and 2-D, with a passive scalar and viscosity, for
// the first stage (fresh buffer) and a later one (in place, a U0 blend), and
// at 1, 2 and 3 OpenMP threads. The primitives are rough on purpose (density
// and pressure over six decades, random velocities), so the high-order
// reconstructions overshoot to non-physical face states and the first-order
// fallback runs; the test counts that it did. The host's primitives (row
// pass, cells with floors or non-finite values redone one by one) against the
// per-cell kernel body; the stable time step likewise.
#include <gtest/gtest.h>

#include <omp.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "physics/hydro/state.hpp"
#include "runtime/device.hpp"
#include "runtime/row_scratch.hpp"
#include "runtime/span.hpp"
#include "solvers/cfd/euler_faces.hpp"
#include "solvers/cfd/euler_kernels.hpp"
#include "solvers/cfd/euler_primitives.hpp"

using namespace tessera;
using namespace tessera::cfd;
using namespace tessera::hydro;

namespace {

struct StageInput {
  EulerParams p;
  Range3 box;
  std::vector<double> w, u0, in;
};

StageInput rough_state(int nx, int ny, int nz, int nscalar, double mu) {
  StageInput s;
  const int n[3] = {nx, ny, nz};
  s.p.ghosts = 3;
  s.p.nscalar = nscalar;
  s.p.nvar = 5 + nscalar;
  s.p.mu = mu;
  s.p.kappa = mu * 1.4 / (0.4 * 0.72);
  for (int a = 0; a < 3; ++a) {
    s.p.n[a] = n[a];
    s.p.active[a] = n[a] > 1;
    s.p.dx[a] = 0.1 - 0.02 * a;
    s.box.lo[a] = s.p.active[a] ? -3 : 0;
    s.box.hi[a] = n[a] + (s.p.active[a] ? 3 : 0);
  }
  const std::size_t cells = static_cast<std::size_t>(s.box.size());
  s.w.resize(cells * s.p.nvar);
  s.u0.resize(cells * s.p.nvar);
  s.in.resize(cells * s.p.nvar);
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (std::size_t c = 0; c < cells; ++c) {
    s.w[IDN * cells + c] = std::pow(10.0, -6.0 * unit(rng));
    s.w[IPR * cells + c] = std::pow(10.0, -6.0 * unit(rng));
    for (int v = IVX; v <= IVZ; ++v) s.w[v * cells + c] = 4.0 * unit(rng) - 2.0;
    for (int q = 5; q < s.p.nvar; ++q) s.w[q * cells + c] = unit(rng);
    for (int q = 0; q < s.p.nvar; ++q) {
      s.u0[q * cells + c] = unit(rng);
      s.in[q * cells + c] = unit(rng);
    }
  }
  return s;
}

// The per-face path: flux arrays per axis, then the update.
std::vector<double> reference_stage(const StageInput& s, bool in_place, double dt, double a, double b) {
  const Device dev = Device::host();
  const FieldView<const double> w(s.w.data(), s.box), u0(s.u0.data(), s.box);
  std::vector<double> out = in_place ? s.in : std::vector<double>(s.in.size(), 0.0);
  std::vector<double> flux[3];
  Range3 faces[3];
  for (int a_ = 0; a_ < 3; ++a_) {
    faces[a_] = Range3(s.p.n[0], s.p.n[1], s.p.n[2]);
    faces[a_].hi[a_] += 1;
    flux[a_].assign(static_cast<std::size_t>(faces[a_].size()) * s.p.nvar, 0.0);
    if (s.p.active[a_]) face_fluxes(dev, s.p, a_, w, FieldView<double>(flux[a_].data(), faces[a_]));
  }
  const FieldView<const double> in(in_place ? out.data() : s.in.data(), s.box);
  runge_kutta_update(dev, s.p, u0, in, FieldView<double>(out.data(), s.box),
                     FieldView<const double>(flux[0].data(), faces[0]), FieldView<const double>(flux[1].data(), faces[1]),
                     FieldView<const double>(flux[2].data(), faces[2]), dt, a, b);
  return out;
}

// One workspace for every host stage of this file, as a solver keeps one
// for its run: it carries the previous case's rows (other shapes, schemes,
// thread counts) into the next, which must not read them.
RowScratch& shared_scratch() {
  static RowScratch scratch;
  return scratch;
}

std::vector<double> host_rows_stage(const StageInput& s, bool in_place, double dt, double a, double b,
                                    RowScratch& scratch = shared_scratch()) {
  const FieldView<const double> w(s.w.data(), s.box), u0(s.u0.data(), s.box);
  std::vector<double> out = in_place ? s.in : std::vector<double>(s.in.size(), 0.0);
  const FieldView<const double> in(in_place ? out.data() : s.in.data(), s.box);
  host_split_stage(s.p, scratch, w, u0, in, FieldView<double>(out.data(), s.box), dt, a, b);
  return out;
}

// Faces along x whose reconstructed states are non-physical (the fallback's cases).
template <Reconstruction R>
int overshooting_faces(const StageInput& s) {
  const FieldView<const double> w(s.w.data(), s.box);
  int count = 0;
  for (int k = 0; k < s.p.n[2]; ++k)
    for (int j = 0; j < s.p.n[1]; ++j)
      for (int i = 0; i <= s.p.n[0]; ++i) {
        double rl, rr, pl, pr;
        face_values<R>(&w(IDN, i, j, k), 1, s.p.limiter, rl, rr);
        face_values<R>(&w(IPR, i, j, k), 1, s.p.limiter, pl, pr);
        count += !(rl > 0 && rr > 0 && pl > 0 && pr > 0);
      }
  return count;
}

int overshooting_faces(const StageInput& s) {
  switch (s.p.recon) {
    case Reconstruction::PCM: return overshooting_faces<Reconstruction::PCM>(s);
    case Reconstruction::PLM: return overshooting_faces<Reconstruction::PLM>(s);
    case Reconstruction::PPM: return overshooting_faces<Reconstruction::PPM>(s);
    case Reconstruction::WENO5: return overshooting_faces<Reconstruction::WENO5>(s);
  }
  return 0;
}

bool same_bits(const std::vector<double>& x, const std::vector<double>& y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
}

// Every scheme on `s`; returns the faces that took the fallback.
int expect_every_scheme_bit_for_bit(StageInput s, const std::string& what) {
  const int threads = omp_get_max_threads();
  int fallback_faces = 0;
  for (Reconstruction r : {Reconstruction::PCM, Reconstruction::PLM, Reconstruction::PPM, Reconstruction::WENO5})
    for (Limiter l : {Limiter::Minmod, Limiter::VanLeer, Limiter::MC}) {
      if (r != Reconstruction::PLM && l != Limiter::VanLeer) continue;  // only PLM reads the limiter
      for (RiemannSolver rs : {RiemannSolver::HLLC, RiemannSolver::HLLE, RiemannSolver::Rusanov, RiemannSolver::Roe}) {
        s.p.recon = r;
        s.p.limiter = l;
        s.p.riemann = rs;
        fallback_faces += overshooting_faces(s);
        const std::string name = what + " recon " + std::to_string(int(r)) + " limiter " + std::to_string(int(l)) +
                                 " riemann " + std::to_string(int(rs));
        const auto first = reference_stage(s, false, 0.01, 0.0, 1.0);
        const auto later = reference_stage(s, true, 0.01, 0.5, 0.5);
        for (int t : {1, 2, 3}) {
          omp_set_num_threads(t);
          EXPECT_TRUE(same_bits(first, host_rows_stage(s, false, 0.01, 0.0, 1.0))) << name << ", first stage, " << t
                                                                                   << " threads";
          EXPECT_TRUE(same_bits(later, host_rows_stage(s, true, 0.01, 0.5, 0.5))) << name << ", in place, " << t
                                                                                  << " threads";
        }
        omp_set_num_threads(threads);
      }
    }
  return fallback_faces;
}

// U over a box with ghosts: mostly physical, some cells below the density or
// pressure floor, some not finite.
struct PrimitivesCase {
  EulerParams p;
  Range3 box;
  std::vector<double> u;
};

PrimitivesCase rough_conserved() {
  PrimitivesCase c;
  c.p.n[0] = 37;
  c.p.n[1] = 12;
  c.p.n[2] = 11;
  c.p.nscalar = 2;
  c.p.nvar = 7;
  c.p.rho_floor = 1e-3;
  c.p.p_floor = 1e-4;
  c.box = Range3(-2, -2, -2, 39, 14, 13);
  const std::size_t cells = static_cast<std::size_t>(c.box.size());
  c.u.resize(cells * c.p.nvar);
  std::mt19937_64 rng(777);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (std::size_t i = 0; i < cells; ++i) {
    const double rho = unit(rng) + 0.01, vx = unit(rng) - 0.5, vy = unit(rng) - 0.5, vz = unit(rng) - 0.5;
    const double pr = unit(rng) + 0.001;
    double u[7] = {rho, rho * vx, rho * vy, rho * vz, pr / 0.4 + 0.5 * rho * (vx * vx + vy * vy + vz * vz),
                   rho * unit(rng), rho * unit(rng)};
    const double pick = unit(rng);
    if (pick < 0.002) u[IDN] = -0.1;                                  // density floor
    else if (pick < 0.004) u[IEN] = 0.0;                              // pressure floor
    else if (pick < 0.005) u[IM2] = std::numeric_limits<double>::quiet_NaN();  // invalid
    else if (pick < 0.006) u[IEN] = std::numeric_limits<double>::infinity();   // invalid
    for (int q = 0; q < 7; ++q) c.u[q * cells + i] = u[q];
  }
  return c;
}

}  // namespace

TEST(EulerHostStage, PrimitiveRowsAreBitForBitTheCellKernelWithFloorsAndInvalidCells) {
  const PrimitivesCase c = rough_conserved();
  const std::size_t cells = static_cast<std::size_t>(c.box.size());
  // Reference: the per-cell body over the box.
  std::vector<double> u_ref = c.u, w_ref(c.u.size(), 0.0);
  std::vector<std::uint8_t> st_ref(cells, 0);
  const FieldView<double> ur(u_ref.data(), c.box), wr(w_ref.data(), c.box);
  const Span3<std::uint8_t> sr(st_ref.data(), c.box);
  for (int k = c.box.lo[2]; k < c.box.hi[2]; ++k)
    for (int j = c.box.lo[1]; j < c.box.hi[1]; ++j)
      for (int i = c.box.lo[0]; i < c.box.hi[0]; ++i) primitives_of_cell(c.p, ur, wr, sr, i, j, k);
  int floored = 0, invalid = 0;
  for (auto s : st_ref) {
    floored += (s & (kDensityFloor | kPressureFloor)) != 0;
    invalid += (s & kInvalid) != 0;
  }
  ASSERT_GT(floored, 0);
  ASSERT_GT(invalid, 0);
  const int threads = omp_get_max_threads();
  for (int t : {1, 2, 3}) {
    omp_set_num_threads(t);
    std::vector<double> u = c.u, w(c.u.size(), 0.0);
    std::vector<std::uint8_t> st(cells, 0);
    host_primitives(c.p, c.box, FieldView<double>(u.data(), c.box), FieldView<double>(w.data(), c.box),
                    Span3<std::uint8_t>(st.data(), c.box));
    EXPECT_TRUE(same_bits(u, u_ref)) << t << " threads: U";
    EXPECT_TRUE(same_bits(w, w_ref)) << t << " threads: W";
    EXPECT_EQ(st, st_ref) << t << " threads: status";
  }
  omp_set_num_threads(threads);
}

TEST(EulerHostStage, RowsAreBitForBitThePerFaceKernelsFor3DWithAScalar) {
  // Odd extents: vector remainders along x, uneven thread cuts in k (above
  // the size the host loops run threaded from).
  EXPECT_GT(expect_every_scheme_bit_for_bit(rough_state(17, 16, 17, 1, 0.0), "3-D"), 0)
      << "the rough state should make PPM/WENO5 overshoot somewhere";
}

TEST(EulerHostStage, RowsAreBitForBitThePerFaceKernelsFor2DWithViscosity) {
  expect_every_scheme_bit_for_bit(rough_state(83, 61, 1, 0, 1e-3), "2-D viscous");
}

TEST(EulerHostStage, RowsAreBitForBitThePerFaceKernelsWithBlocksCutInJAndK) {
  // Two k-planes for three threads: the rows are cut in k and in j, so
  // blocks start inside the box along both y and z.
  expect_every_scheme_bit_for_bit(rough_state(70, 30, 2, 0, 0.0), "3-D thin");
}

TEST(EulerHostStage, StableDtRowsGiveThePerCellReductionsValue) {
  const PrimitivesCase c = rough_conserved();
  EulerParams p = c.p;
  for (int a = 0; a < 3; ++a) {
    p.active[a] = 1;
    p.dx[a] = 0.1 - 0.03 * a;
  }
  const FieldView<const double> u(c.u.data(), c.box);
  // A viscosity too small to bind (dx^2 / nu ~ 1e297) keeps local_stable_dt
  // on its per-cell reduction; the row version serves inviscid runs.
  EulerParams viscous = p;
  viscous.mu = 1e-300;
  viscous.kappa = 1e-300;
  const double reference = local_stable_dt(Device::host(), viscous, u);
  ASSERT_LT(reference, 1.0);
  const int threads = omp_get_max_threads();
  for (int t : {1, 2, 3}) {
    omp_set_num_threads(t);
    const double rows = host_stable_dt(p, shared_scratch(), u);
    EXPECT_EQ(std::memcmp(&rows, &reference, sizeof rows), 0) << t << " threads: " << rows << " vs " << reference;
  }
  omp_set_num_threads(threads);
}

TEST(EulerHostStage, WorkspaceIsSizedOnceAndKeptFromStageToStage) {
  // A solver's workspace: the first stage and stable dt at a thread count
  // allocate it (one buffer per thread, one for the rows' dt minima); later
  // ones, any scheme, fewer threads or a smaller box, allocate nothing and
  // give the same bits as a fresh workspace.
  StageInput s = rough_state(33, 24, 19, 1, 0.0);
  s.p.recon = Reconstruction::WENO5;
  const FieldView<const double> u(s.in.data(), s.box);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(3);
  RowScratch kept;
  const auto first = host_rows_stage(s, false, 0.01, 0.0, 1.0, kept);
  const double dt = host_stable_dt(s.p, kept, u);
  const std::size_t allocations = kept.allocations();
  EXPECT_EQ(allocations, 4u) << "three threads' buffers and the shared one";
  const std::int64_t sy = s.box.extent(0);
  EXPECT_EQ(kept.bytes(), host_stage_scratch_bytes(s.p, sy, 3)) << "the memory estimate's figure";
  StageInput small = rough_state(20, 9, 19, 1, 0.0);
  for (int t : {3, 2, 1}) {
    omp_set_num_threads(t);
    for (RiemannSolver rs : {RiemannSolver::HLLC, RiemannSolver::Roe}) {
      s.p.riemann = rs;
      RowScratch fresh;
      EXPECT_TRUE(same_bits(host_rows_stage(s, true, 0.01, 0.5, 0.5, fresh), host_rows_stage(s, true, 0.01, 0.5, 0.5, kept)))
          << t << " threads, riemann " << int(rs);
      EXPECT_TRUE(same_bits(host_rows_stage(small, false, 0.01, 0.0, 1.0, fresh),
                            host_rows_stage(small, false, 0.01, 0.0, 1.0, kept)))
          << t << " threads, smaller box";
      const double again = host_stable_dt(s.p, kept, u);
      EXPECT_EQ(std::memcmp(&again, &dt, sizeof dt), 0) << t << " threads";
    }
  }
  s.p.riemann = RiemannSolver::HLLC;
  EXPECT_TRUE(same_bits(first, host_rows_stage(s, false, 0.01, 0.0, 1.0, kept)));
  EXPECT_EQ(kept.allocations(), allocations) << "a later stage allocated";
  omp_set_num_threads(threads);
}
