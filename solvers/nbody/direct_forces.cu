// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/nbody/direct_forces.hpp"

#include <cmath>

#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"
#include "runtime/for_each.hpp"
#include "solvers/parallel_setup.hpp"

namespace tessera::nbody {

namespace {

// Hermite needs the jerk as well: a portable pass over a source block adding
// acceleration, jerk and potential with Plummer softening (Makino & Aarseth 1992).
struct HermiteBlock {
  const double *x, *y, *z, *m, *vx, *vy, *vz;
  std::int64_t n;
};

void accumulate_hermite(const Device& dev, double G, double eps, const HermiteBlock& s, const HermiteBlock& t,
                        double* ax, double* ay, double* az, double* jx, double* jy, double* jz, double* pot,
                        bool same_set) {
  const double eps2 = eps * eps;
  const std::int64_t ns = s.n;
  for_each(dev, t.n, [=] TESSERA_HD(int i) {
    double a[3] = {0, 0, 0}, j[3] = {0, 0, 0}, phi = 0;
    for (std::int64_t k = 0; k < ns; ++k) {
      if (same_set && k == i) continue;
      const double dx = s.x[k] - t.x[i], dy = s.y[k] - t.y[i], dz = s.z[k] - t.z[i];
      const double dvx = s.vx[k] - t.vx[i], dvy = s.vy[k] - t.vy[i], dvz = s.vz[k] - t.vz[i];
      const double r2 = dx * dx + dy * dy + dz * dz + eps2;
      const double rinv = 1.0 / sqrt(r2), rinv3 = rinv * rinv * rinv, mr3 = s.m[k] * rinv3;
      const double rv = 3.0 * (dx * dvx + dy * dvy + dz * dvz) / r2;
      a[0] += mr3 * dx, a[1] += mr3 * dy, a[2] += mr3 * dz;
      j[0] += mr3 * (dvx - rv * dx), j[1] += mr3 * (dvy - rv * dy), j[2] += mr3 * (dvz - rv * dz);
      phi -= s.m[k] * rinv;
    }
    ax[i] += G * a[0], ay[i] += G * a[1], az[i] += G * a[2];
    jx[i] += G * j[0], jy[i] += G * j[1], jz[i] += G * j[2];
    pot[i] += G * phi;
  });
}

void pack(const Device& dev, std::int64_t n, std::int64_t stride, double* out, const double* const* in, int comps) {
  const double* a0 = in[0];
  const double* a1 = in[1];
  const double* a2 = in[2];
  const double* a3 = in[3];
  const double* a4 = comps > 4 ? in[4] : nullptr;
  const double* a5 = comps > 4 ? in[5] : nullptr;
  const double* a6 = comps > 4 ? in[6] : nullptr;
  for_each(dev, n, [=] TESSERA_HD(int i) {
    out[i] = a0[i], out[stride + i] = a1[i], out[2 * stride + i] = a2[i], out[3 * stride + i] = a3[i];
    if (a4) out[4 * stride + i] = a4[i], out[5 * stride + i] = a5[i], out[6 * stride + i] = a6[i];
  });
}

void zero(const Device& dev, std::int64_t n, double* v) {
  if (v) for_each(dev, n, [=] TESSERA_HD(int i) { v[i] = 0.0; });
}

class DirectForces final : public ForceProvider {
 public:
  explicit DirectForces(const ProviderContext& c)
      : dev_(c.run->device), rank_(c.run->rank), size_(c.run->size), params_(c.gravity), total_(c.total),
        hermite_(c.jerk) {
    transport_ = transport_from_deck(*c.deck, dev_);
    nmax_ = (total_ + size_ - 1) / size_;
    const int comps = hermite_ ? 7 : 4;
    for (auto& b : ring_) {
      b = Buffer<double>(dev_, static_cast<std::size_t>(comps * nmax_));
      // Not tessera::fill: in the CUDA build's MPI test program its host
      // wrapper was linked with a null call pointer (segfault at setup).
      zero(dev_, static_cast<std::int64_t>(b.size()), b.data());
    }
  }

  FigureOfMerit figure_of_merit() const override {
    const double n = static_cast<double>(total_);
    return {"interactions/s", n * (n - 1)};
  }

  // Own block first, then each other rank's block as it comes around the
  // ring. The transfer of the next block runs while this one is summed.
  void compute(const BodyColumns& b, const ForceOutputs& out) override {
    const std::int64_t n = b.n;
    const double* own[7] = {b.x, b.y, b.z, b.m, b.vx, b.vy, b.vz};
    for (double* v : {out.ax, out.ay, out.az, out.pot, out.jx, out.jy, out.jz}) zero(dev_, n, v);
    const int comps = hermite_ ? 7 : 4;
    pack(dev_, n, nmax_, ring_[0].data(), own, comps);
    int cur = 0;
    for (int hop = 0; hop < size_; ++hop) {
      const int source_rank = (rank_ - hop + size_) % size_;
      const bool more = hop + 1 < size_;
      if (more) {
        const std::size_t bytes = static_cast<std::size_t>(comps * nmax_) * sizeof(double);
        transport_->begin({{(rank_ + 1) % size_, hop, ring_[cur].data(), bytes}},
                          {{(rank_ - 1 + size_) % size_, hop, ring_[1 - cur].data(), bytes}});
      }
      const double* s = ring_[cur].data();
      const std::int64_t ns = total_ * (source_rank + 1) / size_ - total_ * source_rank / size_;
      if (hermite_) {
        HermiteBlock src{s, s + nmax_, s + 2 * nmax_, s + 3 * nmax_, s + 4 * nmax_, s + 5 * nmax_, s + 6 * nmax_, ns};
        HermiteBlock tgt{own[0], own[1], own[2], own[3], own[4], own[5], own[6], n};
        accumulate_hermite(dev_, params_.G, params_.eps, src, tgt, out.ax, out.ay, out.az, out.jx, out.jy, out.jz,
                           out.pot, hop == 0);
      } else {
        Sources src{s, s + nmax_, s + 2 * nmax_, s + 3 * nmax_, ns};
        Targets tgt{own[0], own[1], own[2], n, out.ax, out.ay, out.az, out.pot};
        accumulate_gravity(dev_, params_, src, tgt, hop == 0);
      }
      if (more) {
        transport_->finish();
        cur = 1 - cur;
      }
    }
  }

 private:
  Device dev_;
  int rank_ = 0, size_ = 1;
  GravityParams params_;
  std::int64_t total_ = 0, nmax_ = 0;
  bool hermite_ = false;
  std::unique_ptr<Transport> transport_;
  Buffer<double> ring_[2];
};

}  // namespace

std::unique_ptr<ForceProvider> make_direct_forces(const ProviderContext& c) {
  return std::make_unique<DirectForces>(c);
}

}  // namespace tessera::nbody
