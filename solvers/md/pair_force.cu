// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/md/pair_force.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"
#include "solvers/md/half_list_pairs.hpp"

namespace tessera::md {

namespace {

// Pair forces on owned atoms from the full list (the GPU's; the host's half
// list goes through half_list_pairs.hpp); per-atom energy and virial carry
// half of each pair (each pair appears in both partners' lists).
//
// Real is the pair arithmetic: double, or float for precision = "mixed"
// (instantiated for those two only). The separation is formed from the
// double positions and only then rounded, so a pair far from the origin of
// a large box keeps all its digits; r^2, the cutoff test, force/r and the
// energy are Real. The force vector is force/r times the double separation
// (exact direction, and one conversion per pair instead of three), and every
// pair term goes straight into double sums (force, energy, virial), never
// into float partial sums: a pair's force is then exactly antisymmetric (the
// same r^2 and force/r from both ends) and summed without further error, so
// total momentum stays at double round-off and each atom's force carries
// the float error of its own pairs only, not one growing with the neighbour
// count; in NVE that keeps the energy error at the level of the pair
// arithmetic, with no drift.
//
// One loop shape for both passes: the neutral pass is the short-range
// evaluation alone; the charged pass reads both charges and adds the
// Coulomb part within its own cutoff.
template <class Real, bool Charged>
void full_list_pairs(const Device& dev, const PairCoeffT<Real>* table, int ntypes, const Particles& p, int type_col,
                     int charge_col, const NeighborList& nl, PairOutputs out) {
  const double *x = p.position(0), *y = p.position(1), *z = p.position(2);
  const std::int64_t* type = p.integer(type_col);
  const double* q = Charged ? p.real(charge_col) : nullptr;
  const NeighborView list = nl.view();
  double *fx = out.fx, *fy = out.fy, *fz = out.fz, *ev = out.e_vdw, *ec = out.e_coul, *virial = out.virial;
  for_each(dev, p.owned(), [=] TESSERA_HD(int i) {
    // q and ec are named outside the constexpr-ifs: nvcc's extended lambdas
    // may not capture a variable first inside one.
    const double xi = x[i], yi = y[i], zi = z[i], qi = Charged ? q[i] : 0.0;
    const PairCoeffT<Real>* row = table + (type[i] - 1) * ntypes;
    double f[3] = {0, 0, 0}, e_vdw = 0, e_coul = 0, w = 0;
    const int n = list.count(i);
    for (int k = 0; k < n; ++k) {
      const int j = list.at(i, k);
      const double sx = xi - x[j], sy = yi - y[j], sz = zi - z[j];
      const Real dx = static_cast<Real>(sx), dy = static_cast<Real>(sy), dz = static_cast<Real>(sz);
      const Real r2 = dx * dx + dy * dy + dz * dz;
      const PairCoeffT<Real>& pot = row[type[j] - 1];
      Real fr, ev_pair;
      if constexpr (Charged) {
        if (r2 >= pair_range2(pot)) continue;
        Real ec_pair;
        pair_evaluate(pot, r2, static_cast<Real>(qi * q[j]), fr, ev_pair, ec_pair);
        e_coul += 0.5 * static_cast<double>(ec_pair);
      } else {
        if (r2 >= pot.rc2) continue;
        pair_evaluate(pot, r2, fr, ev_pair);
      }
      const double frd = fr;
      f[0] += frd * sx, f[1] += frd * sy, f[2] += frd * sz;
      e_vdw += 0.5 * static_cast<double>(ev_pair);
      w += static_cast<double>(Real(0.5) * fr * r2);
    }
    fx[i] = f[0], fy[i] = f[1], fz[i] = f[2];
    ev[i] = e_vdw;
    if (Charged) ec[i] = e_coul;
    virial[i] = w;
  });
}

// Per type-pair values of a key given in LAMMPS pair_coeff order (1-1, 1-2,
// .., 1-n, 2-2, ..): n (n + 1) / 2 values, or one for every pair. Returns
// the type count they cover (0 for a single value).
int pair_types_of(const deck::Deck& d, const std::string& key) {
  const std::size_t m = d.reals(key).size();
  if (m == 1) return 0;
  for (int n = 1; n * (n + 1) / 2 <= static_cast<int>(m); ++n)
    if (static_cast<std::size_t>(n * (n + 1) / 2) == m) return n;
  throw d.error_at(key, strfmt("%zu values: a per type-pair list needs n (n + 1) / 2 of them (1-1, 1-2, .., 1-n, "
                               "2-2, .., n-n), or one for all pairs", m));
}

double pair_value(const deck::Deck& d, const std::string& key, int a, int b, int n) {
  const std::vector<double> v = d.reals(key);
  if (v.size() == 1) return v[0];
  const int i = std::min(a, b), j = std::max(a, b);  // 0-based, i <= j
  return v[static_cast<std::size_t>(i * n - i * (i - 1) / 2 + (j - i))];
}

}  // namespace

PairForce::PairForce(const deck::Deck& d, const Device& dev, const UnitSystem& units, int system_types) : dev_(dev) {
  style_ = d.string("physics.potential");
  if (style_ == "lj/cut") style_ = "lj";
  mixed_ = d.string("physics.precision") == "mixed";
  const bool wca = style_ == "wca";
  const bool lj = style_ == "lj" || wca || style_.rfind("lj/cut/", 0) == 0;
  const bool buck = style_.rfind("buck", 0) == 0;
  const bool morse_style = style_ == "morse";
  coul_ = style_.ends_with("coul/long") ? CoulKind::Long
          : style_.ends_with("coul/cut") ? CoulKind::Cut
                                         : CoulKind::None;
  const bool shift = wca || d.boolean("physics.shift");
  const double rc = d.real("physics.cutoff");
  rc_coul_ = d.has("physics.coulomb_cutoff") ? d.real("physics.coulomb_cutoff") : rc;
  if (d.has("physics.coulomb_cutoff") && coul_ == CoulKind::None)
    throw d.error_at("physics.coulomb_cutoff", "the pair style " + style_ + " has no Coulomb part");
  if (d.string("physics.coulomb_erfc") == "polynomial" && coul_ != CoulKind::Long)
    throw d.error_at("physics.coulomb_erfc", "the pair style " + style_ + " has no coul/long part");

  // The type count: the system's, or more where per-type keys give more.
  std::vector<double> eps{d.real("physics.epsilon")}, sig{d.real("physics.sigma")};
  if (d.has("physics.type_epsilon")) eps = d.reals("physics.type_epsilon");
  if (d.has("physics.type_sigma")) sig = d.reals("physics.type_sigma");
  if (eps.size() != sig.size())
    throw d.error_at("physics.type_sigma", strfmt("%zu values, but type_epsilon has %zu", sig.size(), eps.size()));
  const bool per_type_lj = d.has("physics.type_epsilon") || d.has("physics.type_sigma");
  int given = 0;  // types the per-type keys cover (0: single values for all)
  std::string given_by;
  if (lj && per_type_lj) given = static_cast<int>(eps.size()), given_by = "type_epsilon";
  const char* buck_keys[3] = {"physics.buck_a", "physics.buck_rho", "physics.buck_c"};
  if (buck) {
    for (const char* k : buck_keys) {
      if (!d.has(k)) throw d.error_at("physics.potential", std::string("the style ") + style_ + " needs " + k +
                                                               " (Buckingham A, rho, C per type pair)");
      const int n = pair_types_of(d, k);
      if (n != 0 && given != 0 && n != given)
        throw d.error_at(k, strfmt("covers %d types, but %s covers %d", n, given_by.c_str(), given));
      if (n != 0) given = n, given_by = k + 8;
    }
  } else {
    for (const char* k : buck_keys)
      if (d.has(k)) throw d.error_at(k, "Buckingham coefficients, but the pair style is " + style_);
  }
  if (!lj && per_type_lj)
    throw d.error_at(d.has("physics.type_epsilon") ? "physics.type_epsilon" : "physics.type_sigma",
                     "per-type Lennard-Jones parameters, but the pair style is " + style_);
  if (given != 0 && system_types > given)
    throw d.error_at(d.has("box.data_file") ? "box.data_file" : "box.types",
                     strfmt("%d atom types but the potential defines %d (%s)", system_types, given, given_by.c_str()));
  ntypes_ = std::max(given, system_types);

  const bool geometric = d.string("physics.mixing") == "geometric";
  host_.assign(static_cast<std::size_t>(ntypes_ * ntypes_), PairCoeff{});
  const double sigma0 = d.real("physics.sigma");
  // As md.lj always had it (a WCA list range from the global sigma too), so
  // neutral runs keep their lists, and with them their bits.
  const bool short_range = lj || morse_style || buck;
  range_ = wca ? std::pow(2.0, 1.0 / 6.0) * sigma0 : short_range ? rc : 0.0;
  if (coul_ != CoulKind::None) range_ = std::max(range_, rc_coul_);
  for (int a = 0; a < ntypes_; ++a)
    for (int b = 0; b < ntypes_; ++b) {
      PairCoeff c;
      double pair_rc = rc;
      if (lj) {
        const std::size_t ia = per_type_lj ? static_cast<std::size_t>(a) : 0, ib = per_type_lj ? static_cast<std::size_t>(b) : 0;
        const double eab = std::sqrt(eps[ia] * eps[ib]);
        const double sab = geometric ? std::sqrt(sig[ia] * sig[ib]) : 0.5 * (sig[ia] + sig[ib]);
        if (wca) pair_rc = std::pow(2.0, 1.0 / 6.0) * sab;
        c = lennard_jones(eab, sab, pair_rc, shift);
        well_depth_ = std::max(well_depth_, eab);
      } else if (morse_style) {
        c = morse(d.real("physics.morse_d0"), d.real("physics.morse_alpha"), d.real("physics.morse_r0"), rc, shift);
        well_depth_ = std::max(well_depth_, d.real("physics.morse_d0"));
      } else if (buck) {
        const int n = given;
        c = buckingham(pair_value(d, "physics.buck_a", a, b, n), pair_value(d, "physics.buck_rho", a, b, n),
                       pair_value(d, "physics.buck_c", a, b, n), rc, shift);
      } else {
        c = no_short_range();
        pair_rc = 0;
      }
      if (coul_ != CoulKind::None) c = with_coulomb(c, coul_, units.qqr2e, rc_coul_, g_ewald_);
      if (coul_ == CoulKind::Long && d.string("physics.coulomb_erfc") == "polynomial")
        c.coul = static_cast<int>(CoulKind::LongPolynomial);
      range_ = std::max(range_, pair_rc);
      host_[static_cast<std::size_t>(a * ntypes_ + b)] = c;
    }
  lj_only_ = std::all_of(host_.begin(), host_.end(),
                         [](const PairCoeff& c) { return c.kind == static_cast<int>(PairKind::LennardJones); });
  if (d.boolean("physics.tail")) {
    if (!lj || wca || shift)
      throw d.error_at("physics.tail", "tail corrections apply to the unshifted Lennard-Jones potential only");
    tail_ = true, tail_epsilon_ = d.real("physics.epsilon"), tail_sigma_ = d.real("physics.sigma"), tail_rc_ = rc;
  }
  upload();
}

void PairForce::upload() {
  if (table_.size() != host_.size()) table_ = Buffer<PairCoeff>(dev_, host_.size());
  table_.copy_from_host(host_);
  if (mixed_) {
    std::vector<PairCoeffT<float>> narrow;
    for (const PairCoeff& c : host_) narrow.push_back(in_precision<float>(c));
    if (table_single_.size() != narrow.size()) table_single_ = Buffer<PairCoeffT<float>>(dev_, narrow.size());
    table_single_.copy_from_host(narrow);
  }
}

void PairForce::set_g_ewald(double g) {
  if (g == g_ewald_) return;
  g_ewald_ = g;
  for (PairCoeff& c : host_) c.g_ewald = g;
  upload();
}

double PairForce::tail_energy_per_atom(double rho) const {
  return tail_ ? lj_tail_energy_per_atom(rho, tail_epsilon_, tail_sigma_, tail_rc_) : 0.0;
}

double PairForce::tail_pressure(double rho) const {
  return tail_ ? lj_tail_pressure(rho, tail_epsilon_, tail_sigma_, tail_rc_) : 0.0;
}

void PairForce::compute(const Particles& p, int type_col, int charge_col, const NeighborList& list,
                        const PairOutputs& out, bool energy) const {
  if (charged() && charge_col < 0) throw Error("md: a charged pair style needs the charge column");
  if (list.half()) {
    if (mixed_)
      half_list_pairs(dev_, table_single_.data(), ntypes_, lj_only_, p, type_col, charge_col, list, out, energy);
    else
      half_list_pairs(dev_, table_.data(), ntypes_, lj_only_, p, type_col, charge_col, list, out, energy);
  } else if (charge_col >= 0) {
    if (mixed_)
      full_list_pairs<float, true>(dev_, table_single_.data(), ntypes_, p, type_col, charge_col, list, out);
    else
      full_list_pairs<double, true>(dev_, table_.data(), ntypes_, p, type_col, charge_col, list, out);
  } else if (mixed_) {
    full_list_pairs<float, false>(dev_, table_single_.data(), ntypes_, p, type_col, -1, list, out);
  } else {
    full_list_pairs<double, false>(dev_, table_.data(), ntypes_, p, type_col, -1, list, out);
  }
}

}  // namespace tessera::md
