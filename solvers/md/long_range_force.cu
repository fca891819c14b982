// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/long_range_force.hpp"

#include <vector>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/reduce.hpp"

namespace tessera::md {

LongRangeSpec long_range_spec(const deck::Deck& d, double coulomb_cutoff, double qqrd2e) {
  LongRangeSpec s;
  s.style = d.string("kspace.style");
  s.accuracy = d.real("kspace.accuracy");
  s.order = static_cast<int>(d.integer("kspace.order"));
  if (d.has("kspace.mesh")) {
    const auto m = d.integers("kspace.mesh");
    for (int a = 0; a < 3; ++a) s.mesh[a] = static_cast<int>(m[a]);
  }
  if (d.has("kspace.g_ewald")) s.g_ewald = d.real("kspace.g_ewald");
  s.cutoff = coulomb_cutoff;
  s.qqrd2e = qqrd2e;
  return s;
}

LongRangeForce::LongRangeForce(const LongRangeSpec& spec, Transport& transport, const Device& dev)
    : impl_(make_long_range(spec, transport, dev)), dev_(dev) {}

void LongRangeForce::setup(const CartesianLayout& layout, const Particles& p, int charge_col, std::int64_t natoms) {
  const double* q = p.real(charge_col);
  const auto sums = collectives::sum(std::vector<double>{
      reduce_sum(dev_, p.owned(), [=] TESSERA_HD(int i) { return q[i]; }),
      reduce_sum(dev_, p.owned(), [=] TESSERA_HD(int i) { return q[i] * q[i]; })});
  natoms_ = natoms, sum_q_ = sums[0], sum_q2_ = sums[1];
  impl_->setup(layout, natoms_, sum_q_, sum_q2_);
  terms_step_ = -1;
}

void LongRangeForce::set_box(const CartesianLayout& layout) {
  impl_->setup(layout, natoms_, sum_q_, sum_q2_);
  terms_step_ = -1;
}

void LongRangeForce::compute(Particles& p, int charge_col, int force_col, bool energy_and_virial, std::int64_t step) {
  ChargedAtoms a;
  a.n = p.owned();
  a.x = p.position(0), a.y = p.position(1), a.z = p.position(2);
  a.q = p.real(charge_col);
  a.fx = p.real(force_col, 0), a.fy = p.real(force_col, 1), a.fz = p.real(force_col, 2);
  const LongRangeTerms t = impl_->compute(a, energy_and_virial);
  if (energy_and_virial) terms_ = t, terms_step_ = step;
}

const LongRangeTerms& LongRangeForce::terms_at(Particles& p, int charge_col, std::int64_t step) {
  if (terms_step_ == step) return terms_;
  const auto n = static_cast<std::size_t>(p.owned());
  for (auto& b : scratch_)
    if (b.size() < n) b = Buffer<double>(dev_, n + n / 4 + 16);
  double *fx = scratch_[0].data(), *fy = scratch_[1].data(), *fz = scratch_[2].data();
  for_each(dev_, p.owned(), [=] TESSERA_HD(int i) { fx[i] = 0, fy[i] = 0, fz[i] = 0; });
  ChargedAtoms a;
  a.n = p.owned();
  a.x = p.position(0), a.y = p.position(1), a.z = p.position(2);
  a.q = p.real(charge_col);
  a.fx = fx, a.fy = fy, a.fz = fz;
  terms_ = impl_->compute(a, true);
  terms_step_ = step;
  return terms_;
}

}  // namespace tessera::md
