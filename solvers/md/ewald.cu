// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/ewald.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"

namespace tessera::md {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

Ewald::Ewald(const LongRangeSpec& spec, Transport& transport, const Device& dev)
    : spec_(spec), transport_(transport), dev_(dev) {
  if (!(spec.accuracy > 0)) throw InputError("kspace ewald: accuracy must be positive");
  if (spec.g_ewald < 0) throw InputError("kspace g_ewald must be positive (0 = chosen from the accuracy)");
  if (spec.g_ewald == 0 && !(spec.cutoff > 0))
    throw InputError("kspace: g_ewald is chosen from the real-space Coulomb cutoff, which must be positive");
  if (!(spec.qqrd2e > 0)) throw InputError("kspace: qqrd2e must be positive");
}

void Ewald::setup(const CartesianLayout& layout, std::int64_t natoms, double sum_q, double sum_q2) {
  for (int d = 0; d < 3; ++d) {
    if (!layout.periodic(d)) throw InputError("kspace ewald needs a box periodic along x, y and z");
    length_[d] = layout.length(d);
  }
  ranks_ = layout.size();
  sum_q_ = sum_q, sum_q2_ = sum_q2;
  kspace::System sys{length_, natoms, sum_q2, spec_.qqrd2e};
  const double accuracy = spec_.accuracy * spec_.qqrd2e;
  g_ = spec_.g_ewald;
  if (g_ == 0) {
    if (!(sum_q2 > 0)) throw InputError("kspace ewald: no charges to choose g_ewald from; set g_ewald");
    g_ = kspace::initial_g_ewald(accuracy, spec_.cutoff, sys);
  }
  kmax_ = kspace::ewald_kmax(accuracy, g_, sys);
  double lpr = 0;
  for (int d = 0; d < 3; ++d) {
    const double e = kspace::ewald_axis_error(kmax_[d], length_[d], g_, sys);
    lpr += e * e;
  }
  lpr = std::sqrt(lpr / 3.0);
  const double spr = spec_.cutoff > 0 ? kspace::real_space_error(g_, spec_.cutoff, sys) : 0.0;
  error_ = std::sqrt(lpr * lpr + spr * spr) / spec_.qqrd2e;
  if (std::abs(sum_q) > 1e-8 * std::sqrt(std::max(sum_q2, 1e-300)) && !warned_) {
    logging::warn(strfmt("kspace ewald: the system is not neutral (total charge %.6g): a uniform neutralising background "
                     "is added",
                     sum_q));
    warned_ = true;
  }
  // The half space: kx > 0, or kx = 0 and ky > 0, or kx = ky = 0 and kz > 0.
  double u[3], gsq = 0;
  for (int d = 0; d < 3; ++d) {
    u[d] = 2.0 * kPi / length_[d];
    gsq = std::max(gsq, u[d] * u[d] * kmax_[d] * kmax_[d]);
  }
  gsq *= 1.00001;
  const double volume = length_[0] * length_[1] * length_[2];
  ug_.clear(), k_host_.clear();
  for (int a = 0; a <= kmax_[0]; ++a)
    for (int b = -kmax_[1]; b <= kmax_[1]; ++b)
      for (int c = -kmax_[2]; c <= kmax_[2]; ++c) {
        if (a == 0 && (b < 0 || (b == 0 && c <= 0))) continue;
        const double kx = u[0] * a, ky = u[1] * b, kz = u[2] * c;
        const double k2 = kx * kx + ky * ky + kz * kz;
        if (k2 > gsq) continue;
        ug_.push_back(4.0 * kPi / volume * std::exp(-0.25 * k2 / (g_ * g_)) / k2);
        k_host_.insert(k_host_.end(), {kx, ky, kz});
      }
  const std::size_t nk = ug_.size();
  k_ = Buffer<double>(dev_, std::max<std::size_t>(3 * nk, 1));
  coeff_ = Buffer<double>(dev_, std::max<std::size_t>(nk, 1));
  sums_ = Buffer<double>(dev_, std::max<std::size_t>(2 * nk, 1));
  if (nk > 0) {
    k_.copy_from_host(k_host_.data(), 3 * nk);
    coeff_.copy_from_host(ug_.data(), nk);
  }
}

LongRangeTerms Ewald::compute(const ChargedAtoms& a, bool energy_and_virial) {
  const std::int64_t nk = static_cast<std::int64_t>(ug_.size());
  LongRangeTerms terms;
  const double volume = length_[0] * length_[1] * length_[2];
  terms.energy = -spec_.qqrd2e * (g_ * sum_q2_ / std::sqrt(kPi) + 0.5 * kPi * sum_q_ * sum_q_ / (g_ * g_ * volume));
  if (nk == 0) return terms;
  const double* kv = k_.data();
  const double* x = a.x;
  const double* y = a.y;
  const double* z = a.z;
  const double* q = a.q;
  const std::int64_t n = a.n;
  double* s = sums_.data();
  // Structure factor sum_i q_i exp(i k.r_i), this rank's atoms.
  for_each(dev_, nk, [=] TESSERA_HD(int m) {
    const double kx = kv[3 * m], ky = kv[3 * m + 1], kz = kv[3 * m + 2];
    double c = 0, sn = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const double ph = kx * x[i] + ky * y[i] + kz * z[i];
      c += q[i] * cos(ph);
      sn += q[i] * sin(ph);
    }
    s[2 * m] = c;
    s[2 * m + 1] = sn;
  });
  std::vector<double> host = sums_.to_host();
  if (ranks_ > 1) {
    host = collectives::sum(host);
    sums_.copy_from_host(host);
  }
  const double* ug = coeff_.data();
  const double pre = 2.0 * spec_.qqrd2e;
  double* fx = a.fx;
  double* fy = a.fy;
  double* fz = a.fz;
  // F_i = -dE/dr_i = 2 qqrd2e q_i sum_k ug k (C sin(k.r_i) - S cos(k.r_i)).
  for_each(dev_, n, [=] TESSERA_HD(int i) {
    double ax = 0, ay = 0, az = 0;
    for (std::int64_t m = 0; m < nk; ++m) {
      const double kx = kv[3 * m], ky = kv[3 * m + 1], kz = kv[3 * m + 2];
      const double ph = kx * x[i] + ky * y[i] + kz * z[i];
      const double f = ug[m] * (s[2 * m] * sin(ph) - s[2 * m + 1] * cos(ph));
      ax += f * kx;
      ay += f * ky;
      az += f * kz;
    }
    const double qi = pre * q[i];
    fx[i] += qi * ax;
    fy[i] += qi * ay;
    fz[i] += qi * az;
  });
  if (energy_and_virial) {
    double e = 0;
    std::array<double, 6> v{};
    const double g2inv = 0.25 / (g_ * g_);
    for (std::int64_t m = 0; m < nk; ++m) {
      const double em = ug_[m] * (host[2 * m] * host[2 * m] + host[2 * m + 1] * host[2 * m + 1]);
      const double kx = k_host_[3 * m], ky = k_host_[3 * m + 1], kz = k_host_[3 * m + 2];
      const double vterm = -2.0 * (1.0 / (kx * kx + ky * ky + kz * kz) + g2inv);
      e += em;
      v[0] += em * (1.0 + vterm * kx * kx);
      v[1] += em * (1.0 + vterm * ky * ky);
      v[2] += em * (1.0 + vterm * kz * kz);
      v[3] += em * vterm * kx * ky;
      v[4] += em * vterm * kx * kz;
      v[5] += em * vterm * ky * kz;
    }
    terms.energy += spec_.qqrd2e * e;
    for (int c = 0; c < 6; ++c) terms.virial[c] = spec_.qqrd2e * v[c];
  }
  return terms;
}

std::string Ewald::describe() const {
  return strfmt("kspace ewald: g_ewald %.8g, kmax %d %d %d, %lld k-vectors, estimated relative force error %.3g", g_,
                kmax_[0], kmax_[1], kmax_[2], static_cast<long long>(ug_.size()), error_);
}

std::size_t Ewald::memory_bytes() const {
  return (k_.size() + coeff_.size() + sums_.size()) * sizeof(double);
}

}  // namespace tessera::md
