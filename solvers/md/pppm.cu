// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/pppm.hpp"

#include <cmath>
#include <vector>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "runtime/log.hpp"
#include "runtime/reduce.hpp"
#include "solvers/spectral/distributed_fft.hpp"
#include "solvers/spectral/particle_mesh.hpp"

namespace tessera::md {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Aliasing images are summed until exp(-(k/2g)^2) falls below this (LAMMPS's EPS_HOC).
constexpr double kAliasCutoff = 1e-7;

using Complex = fft::complex<double>;

// Signed wavenumber index of mesh index i on n points (n/2 maps to -n/2).
TESSERA_HD inline int signed_index(int i, int n) { return i - n * ((2 * i) / n); }

TESSERA_HD inline double sinc_power(double x, int p) {
  if (x == 0.0) return 1.0;
  const double s = sin(x) / x;
  double r = 1.0;
  for (int m = 0; m < p; ++m) r *= s;
  return r;
}

// Offset of spectral cell (i, j, k) (global indices) in this rank's array.
struct SpectralIndex {
  int lo0, lo1, lo2;
  std::int64_t s0, s1, s2;
  TESSERA_HD std::int64_t operator()(int i, int j, int k) const { return (i - lo0) * s0 + (j - lo1) * s1 + (k - lo2) * s2; }
};

// What the influence function needs, by value into the kernel.
struct InfluenceParams {
  int n[3];
  int nb[3];  // aliasing images per side
  double unitk[3], length[3];
  double g;
  int order;
  double denom[7];  // sum over aliases of W^2 as a polynomial in sin^2(k h / 2)
};

TESSERA_HD inline double alias_denominator(const InfluenceParams& p, double sx, double sy, double sz) {
  double ax = 0, ay = 0, az = 0;
  for (int l = p.order - 1; l >= 0; --l) {
    ax = p.denom[l] + ax * sx;
    ay = p.denom[l] + ay * sy;
    az = p.denom[l] + az * sz;
  }
  const double s = ax * ay * az;
  return s * s;
}

// Hockney-Eastwood optimal influence function for ik differentiation.
TESSERA_HD inline double influence(const InfluenceParams& p, int i, int j, int k) {
  const int kp[3] = {signed_index(i, p.n[0]), signed_index(j, p.n[1]), signed_index(k, p.n[2])};
  double kv[3], sn[3];
  for (int d = 0; d < 3; ++d) {
    kv[d] = p.unitk[d] * kp[d];
    const double s = sin(0.5 * kv[d] * p.length[d] / p.n[d]);
    sn[d] = s * s;
  }
  const double k2 = kv[0] * kv[0] + kv[1] * kv[1] + kv[2] * kv[2];
  if (k2 == 0.0) return 0.0;
  const int two_p = 2 * p.order;
  double sum = 0.0;
  for (int ax = -p.nb[0]; ax <= p.nb[0]; ++ax) {
    const double qx = p.unitk[0] * (kp[0] + p.n[0] * ax);
    const double ex = exp(-0.25 * (qx / p.g) * (qx / p.g));
    const double wx = sinc_power(0.5 * qx * p.length[0] / p.n[0], two_p);
    for (int ay = -p.nb[1]; ay <= p.nb[1]; ++ay) {
      const double qy = p.unitk[1] * (kp[1] + p.n[1] * ay);
      const double ey = exp(-0.25 * (qy / p.g) * (qy / p.g));
      const double wy = sinc_power(0.5 * qy * p.length[1] / p.n[1], two_p);
      for (int az = -p.nb[2]; az <= p.nb[2]; ++az) {
        const double qz = p.unitk[2] * (kp[2] + p.n[2] * az);
        const double ez = exp(-0.25 * (qz / p.g) * (qz / p.g));
        const double wz = sinc_power(0.5 * qz * p.length[2] / p.n[2], two_p);
        const double dot = kv[0] * qx + kv[1] * qy + kv[2] * qz;
        const double q2 = qx * qx + qy * qy + qz * qz;
        sum += (dot / q2) * ex * ey * ez * wx * wy * wz;
      }
    }
  }
  return (4.0 * kPi / k2) * sum / alias_denominator(p, sn[0], sn[1], sn[2]);
}

// Coefficients of the alias sum of the squared assignment function
// (Hockney & Eastwood): sum_m W^2(k + 2 pi m / h) = [sum_l b_l sin^2l(kh/2)]^2 per axis.
void alias_coefficients(int order, double* b) {
  for (int l = 0; l < 7; ++l) b[l] = 0.0;
  b[0] = 1.0;
  for (int m = 1; m < order; ++m) {
    for (int l = m; l > 0; --l) b[l] = 4.0 * (b[l] * (l - m) * (l - m - 0.5) - b[l - 1] * (l - m - 1) * (l - m - 1));
    b[0] = 4.0 * (b[0] * (0 - m) * (0 - m - 0.5));
  }
  double fact = 1.0;
  for (int k = 1; k < 2 * order; ++k) fact *= k;
  for (int l = 0; l < order; ++l) b[l] /= fact;
}

// The energy (v[0]) and the virial's six terms (xx, yy, zz, xy, xz, yz) of
// one mode, weighted by how often it stands for itself and its conjugate.
struct Sums7 {
  double v[7] = {0, 0, 0, 0, 0, 0, 0};
};
struct AddSums7 {
  TESSERA_HD Sums7 operator()(const Sums7& a, const Sums7& b) const {
    Sums7 r;
    for (int c = 0; c < 7; ++c) r.v[c] = a.v[c] + b.v[c];
    return r;
  }
};
struct EnergyVirialTerms {
  const Complex* rho;
  const double* gf;
  SpectralIndex index;
  int nx, ny, nz, halved;
  double ux, uy, uz, g2inv;
  TESSERA_HD Sums7 operator()(int i, int j, int k) const {
    // The R2C spectrum holds half the modes: the others are the complex
    // conjugates of the interior ones along the halved axis.
    const int h = halved == 0 ? i : (halved == 1 ? j : k);
    const int nh = halved == 0 ? nx : (halved == 1 ? ny : nz);
    const double weight = (h == 0 || 2 * h == nh) ? 1.0 : 2.0;
    const Complex r = rho[index(i, j, k)];
    const double e = weight * gf[index(i, j, k)] * (r.re * r.re + r.im * r.im);
    Sums7 out;
    out.v[0] = e;
    const double kx = ux * signed_index(i, nx), ky = uy * signed_index(j, ny), kz = uz * signed_index(k, nz);
    const double k2 = kx * kx + ky * ky + kz * kz;
    if (k2 == 0.0) return out;
    const double vterm = -2.0 * (1.0 / k2 + g2inv);
    out.v[1] = e * (1.0 + vterm * kx * kx);
    out.v[2] = e * (1.0 + vterm * ky * ky);
    out.v[3] = e * (1.0 + vterm * kz * kz);
    out.v[4] = e * vterm * kx * ky;
    out.v[5] = e * vterm * kx * kz;
    out.v[6] = e * vterm * ky * kz;
    return out;
  }
};

// One axis's ik differentiation, w = i k_D phi, into the inverse
// transform's input (k_D from a table: no integer division per mode). The
// x pass also applies phi = G rho / N to rho in place, so the spectrum is
// read once for it and the scaling.
template <int D>
void multiply_ik(const Device& dev, const Range3& sb, const SpectralIndex& index, const double* kd, const double* gf,
                 double inv_n, Complex* rho, Complex* w) {
  for_each(dev, sb, [=] TESSERA_HD(int i, int j, int k) {
    const auto at = index(i, j, k);
    Complex r = rho[at];
    if (D == 0) {
      const double s = gf[at] * inv_n;
      r = {r.re * s, r.im * s};
      rho[at] = r;
    }
    const double kv = kd[D == 0 ? i : (D == 1 ? j : k)];
    w[at] = {-kv * r.im, kv * r.re};
  });
}

// The influence function on this rank's part of the spectrum.
void fill_influence(const Device& dev, const spectral::DistributedFft<double>& fft, const InfluenceParams& p,
                    double* gf) {
  const Range3 sb = fft.spectral_box();
  const auto st = fft.spectral_strides();
  const SpectralIndex index{sb.lo[0], sb.lo[1], sb.lo[2], st[0], st[1], st[2]};
  for_each(dev, sb, [=] TESSERA_HD(int i, int j, int k) { gf[index(i, j, k)] = influence(p, i, j, k); });
}

}  // namespace

Pppm::Pppm(const LongRangeSpec& spec, Transport& transport, const Device& dev)
    : spec_(spec), transport_(transport), dev_(dev) {
  if (spec.order < 2 || spec.order > 7) throw InputError(strfmt("kspace order = %d: PPPM supports 2 .. 7", spec.order));
  if (spec.g_ewald < 0) throw InputError("kspace g_ewald must be positive (0 = chosen from the accuracy)");
  const bool any_mesh = spec.mesh[0] || spec.mesh[1] || spec.mesh[2];
  for (int d = 0; d < 3; ++d) {
    if (spec.mesh[d] < 0 || (any_mesh && spec.mesh[d] < 2))
      throw InputError(strfmt("kspace mesh = [%d, %d, %d]: give all three sizes (at least 2 each), or none",
                              spec.mesh[0], spec.mesh[1], spec.mesh[2]));
  }
  if (!(spec.accuracy > 0) && (!any_mesh || spec.g_ewald == 0))
    throw InputError("kspace accuracy must be positive when the mesh or g_ewald is left to it");
  if (spec.g_ewald == 0 && !(spec.cutoff > 0))
    throw InputError("kspace: g_ewald is chosen from the real-space Coulomb cutoff, which must be positive");
  if (!(spec.qqrd2e > 0)) throw InputError("kspace: qqrd2e must be positive");
}

Pppm::~Pppm() = default;

void Pppm::setup(const CartesianLayout& layout, std::int64_t natoms, double sum_q, double sum_q2) {
  for (int d = 0; d < 3; ++d) {
    if (!layout.periodic(d)) throw InputError("kspace pppm needs a box periodic along x, y and z");
    lower_[d] = layout.spec().lower[d];
    length_[d] = layout.length(d);
  }
  natoms_ = natoms, sum_q_ = sum_q, sum_q2_ = sum_q2;
  kspace::System sys{length_, natoms, sum_q2, spec_.qqrd2e};
  const double accuracy = spec_.accuracy * spec_.qqrd2e;
  if (!chosen_) {
    g_ = spec_.g_ewald;
    if (g_ == 0) {
      if (!(sum_q2 > 0)) throw InputError("kspace pppm: no charges to choose g_ewald from; set g_ewald");
      g_ = kspace::initial_g_ewald(accuracy, spec_.cutoff, sys);
    }
    mesh_ = spec_.mesh;
    if (mesh_[0] == 0) mesh_ = kspace::pppm_mesh(accuracy, spec_.order, g_, sys);
    if (spec_.g_ewald == 0) g_ = kspace::pppm_balanced_g_ewald(mesh_, spec_.order, spec_.cutoff, g_, sys);
    chosen_ = true;
  }
  const double dk = kspace::pppm_kspace_error(mesh_, spec_.order, g_, sys);
  const double dr = spec_.cutoff > 0 ? kspace::real_space_error(g_, spec_.cutoff, sys) : 0.0;
  error_ = std::sqrt(dk * dk + dr * dr) / spec_.qqrd2e;
  const double neutral_tol = 1e-8 * std::sqrt(std::max(sum_q2, 1e-300));
  if (std::abs(sum_q) > neutral_tol && !warned_) {
    logging::warn(strfmt("kspace pppm: the system is not neutral (total charge %.6g): a uniform neutralising background "
                     "is added",
                     sum_q));
    warned_ = true;
  }
  build(layout);
  compute_influence();
}

void Pppm::build(const CartesianLayout& layout) {
  spectral::MeshGeometry g;
  g.n = mesh_;
  g.lower = lower_;
  g.length = length_;
  g.order = spec_.order;
  if (fft_ && layout.process_grid() == layout_grid_ && ranks_ == layout.size()) {
    pm_->set_box(lower_, length_);
    return;
  }
  ranks_ = layout.size();
  layout_grid_ = layout.process_grid();
  const PencilLayout pencils(mesh_, layout.size(), layout.rank());
  // The spectrum is addressed through spectral_box()/strides(): on one rank
  // it may keep the input's order (no rotation of the mesh).
  spectral::FftSpec fs;
  fs.any_spectral_order = true;
  fft_ = std::make_unique<spectral::DistributedFft<double>>(pencils, transport_, fs);
  pm_ = std::make_unique<spectral::ParticleMesh>(g, layout, pencils, transport_);
  pm_->set_spreading(spreading_);
  const auto n_phys = static_cast<std::size_t>(fft_->physical_size());
  const auto n_spec = static_cast<std::size_t>(fft_->spectral_size());
  density_ = Buffer<double>(dev_, n_phys);
  for (auto& b : gradient_) b = Buffer<double>(dev_, n_phys);
  influence_ = Buffer<double>(dev_, n_spec);
  spectrum_ = Buffer<Complex>(dev_, n_spec);
  work_ = Buffer<Complex>(dev_, n_spec);
}

void Pppm::compute_influence() {
  InfluenceParams p{};
  for (int d = 0; d < 3; ++d) {
    p.n[d] = mesh_[d];
    p.length[d] = length_[d];
    p.unitk[d] = 2.0 * kPi / length_[d];
    p.nb[d] = static_cast<int>((g_ * length_[d] / (kPi * mesh_[d])) * std::pow(-std::log(kAliasCutoff), 0.25));
  }
  p.g = g_;
  p.order = spec_.order;
  alias_coefficients(spec_.order, p.denom);
  fill_influence(dev_, *fft_, p, influence_.data());
  for (int d = 0; d < 3; ++d) {
    const int nd = mesh_[d];
    std::vector<double> kd(nd);
    for (int m = 0; m < nd; ++m) kd[m] = (2 * m == nd) ? 0.0 : p.unitk[d] * signed_index(m, nd);
    if (wavenumber_[d].size() != kd.size()) wavenumber_[d] = Buffer<double>(dev_, kd.size());
    wavenumber_[d].copy_from_host(kd);
  }
}

LongRangeTerms Pppm::compute(const ChargedAtoms& a, bool energy_and_virial) {
  if (!fft_) throw Error("Pppm::compute before setup");
  Timers& timers = timers_ ? *timers_ : untimed_;
  {
    auto region = timers.scope("kspace: spread");
    pm_->ensure_covers(a.n, a.x, a.y, a.z);
    const double inv_cell = mesh_[0] * mesh_[1] * mesh_[2] / (length_[0] * length_[1] * length_[2]);
    pm_->assign(a.n, a.x, a.y, a.z, a.q, inv_cell);
  }
  {
    auto region = timers.scope("kspace: mesh exchange");
    pm_->brick_to_pencil(density_.data());
  }
  {
    auto region = timers.scope("kspace: fft");
    fft_->forward(density_.data(), spectrum_.data());
  }

  const Range3 sb = fft_->spectral_box();
  const auto st = fft_->spectral_strides();
  const int nx = mesh_[0], ny = mesh_[1], nz = mesh_[2];
  const int halved = fft_->halved_axis();
  const double ntot = static_cast<double>(nx) * ny * nz;
  const double volume = length_[0] * length_[1] * length_[2];
  const double unitk[3] = {2.0 * kPi / length_[0], 2.0 * kPi / length_[1], 2.0 * kPi / length_[2]};
  const double ux = unitk[0], uy = unitk[1], uz = unitk[2];
  const double g2inv = 0.25 / (g_ * g_);
  Complex* rho = spectrum_.data();
  const double* gf = influence_.data();
  const SpectralIndex index{sb.lo[0], sb.lo[1], sb.lo[2], st[0], st[1], st[2]};
  LongRangeTerms terms;
  if (energy_and_virial) {
    auto region = timers.scope("kspace: energy and virial");
    // All seven sums in one pass over the spectrum (each component summed in
    // the order its own reduction would use: the same bits as seven passes).
    const Sums7 all = detail::reduce<Sums7>(
        dev_, sb.size(), detail::Flat3<EnergyVirialTerms>{sb, {rho, gf, index, nx, ny, nz, halved, ux, uy, uz, g2inv}},
        AddSums7{}, Sums7{});
    std::vector<double> sums(all.v, all.v + 7);
    if (ranks_ > 1) sums = collectives::sum(sums);
    const double pre = 0.5 * volume / (ntot * ntot) * spec_.qqrd2e;
    terms.energy = pre * sums[0] -
                   spec_.qqrd2e * (g_ * sum_q2_ / std::sqrt(kPi) + 0.5 * kPi * sum_q_ * sum_q_ / (g_ * g_ * volume));
    for (int c = 0; c < 6; ++c) terms.virial[c] = pre * sums[c + 1];
  }
  // phi(k) = G(k) rho(k) / N: the inverse transform is unnormalised.
  const double inv_n = 1.0 / ntot;
  {
  auto fft_region = timers.scope("kspace: fft");
  // grad phi = inverse transform of i k phi(k), one axis at a time; the
  // Nyquist index of the axis gets no derivative (the real part of the
  // full complex transform, as LAMMPS takes it).
  Complex* w = work_.data();
  multiply_ik<0>(dev_, sb, index, wavenumber_[0].data(), gf, inv_n, rho, w);
  fft_->backward(w, gradient_[0].data());
  multiply_ik<1>(dev_, sb, index, wavenumber_[1].data(), gf, inv_n, rho, w);
  fft_->backward(w, gradient_[1].data());
  multiply_ik<2>(dev_, sb, index, wavenumber_[2].data(), gf, inv_n, rho, w);
  fft_->backward(w, gradient_[2].data());
  }
  {
    auto region = timers.scope("kspace: mesh exchange");
    const double* fields[3] = {gradient_[0].data(), gradient_[1].data(), gradient_[2].data()};
    pm_->pencil_to_brick(fields, 3);
  }
  // E = -grad phi; F = qqrd2e q E.
  auto region = timers.scope("kspace: interpolate");
  pm_->add_interpolated(a.n, a.x, a.y, a.z, a.q, -spec_.qqrd2e, a.fx, a.fy, a.fz);
  return terms;
}

std::string Pppm::describe() const {
  return strfmt("kspace pppm: g_ewald %.8g, mesh %d x %d x %d, order %d, estimated relative force error %.3g", g_,
                mesh_[0], mesh_[1], mesh_[2], spec_.order, error_);
}

std::size_t Pppm::memory_bytes() const {
  std::size_t b = density_.size() * sizeof(double) * 4 + influence_.size() * sizeof(double) +
                  (spectrum_.size() + work_.size()) * sizeof(Complex);
  if (fft_) b += fft_->memory_bytes();
  if (pm_) b += pm_->memory_bytes();
  return b;
}

}  // namespace tessera::md
