#pragma once
// Exact Riemann solver for the one-dimensional Euler equations of an ideal gas
// (Toro 2009, ch. 4): Newton-Raphson iteration for the star pressure p* on
//   f(p) = f_L(p) + f_R(p) + (u_R - u_L) = 0                    (eq. 4.5)
// with the shock / rarefaction branches f_K of eq. 4.6-4.7 and their
// derivatives (eq. 4.37), started from the adaptive guess of sect. 9.5.1
// (PVRS, switching to the two-rarefaction or two-shock approximation when the
// PVRS value falls outside [min(p_L, p_R), max(p_L, p_R)]); the star velocity
// from eq. 4.9; and sampling of the self-similar solution at xi = (x - x0)/t
// (sect. 4.5, eq. 4.50-4.56 for the fans).
//
// f is increasing and concave in p, so Newton iterates approach p* from below
// after at most one step; an iterate that overshoots below zero is reset to a
// small positive pressure.
//
// Vacuum is handled, not rejected (sect. 4.6): an initial vacuum state on
// either side (rho = 0), and vacuum generated between two rarefactions when
// 2 (c_L + c_R) / (gamma - 1) <= u_R - u_L (pressure positivity condition,
// eq. 4.40). Then p_star() is 0, u_star() is the speed of the vacuum front
// (one-sided vacuum) or the mean of the two front speeds (generated vacuum),
// and sample() returns rho = p = 0 and u = xi inside the vacuum (continuous
// with the fans at the fronts). Usable on host and device: no exceptions, no
// allocation.
#include <cmath>

#include "runtime/macros.hpp"

namespace tessera::hydro {

class ExactRiemann {
 public:
  TESSERA_HD ExactRiemann(double rho_l, double u_l, double p_l, double rho_r, double u_r, double p_r, double gamma)
      : rl_(rho_l), ul_(u_l), pl_(p_l), rr_(rho_r), ur_(u_r), pr_(p_r), g_(gamma) {
    cl_ = rl_ > 0.0 ? sqrt(g_ * pl_ / rl_) : 0.0;
    cr_ = rr_ > 0.0 ? sqrt(g_ * pr_ / rr_) : 0.0;
    const double g1 = 2.0 / (g_ - 1.0);
    if (!(rl_ > 0.0) && !(rr_ > 0.0)) {
      kind_ = Kind::AllVacuum;
      p_star_ = 0.0;
      u_star_ = 0.0;
    } else if (!(rr_ > 0.0)) {
      kind_ = Kind::RightVacuum;
      p_star_ = 0.0;
      u_star_ = ul_ + g1 * cl_;
    } else if (!(rl_ > 0.0)) {
      kind_ = Kind::LeftVacuum;
      p_star_ = 0.0;
      u_star_ = ur_ - g1 * cr_;
    } else if (g1 * (cl_ + cr_) <= ur_ - ul_) {
      kind_ = Kind::VacuumGenerated;
      p_star_ = 0.0;
      u_star_ = 0.5 * ((ul_ + g1 * cl_) + (ur_ - g1 * cr_));
    } else {
      kind_ = Kind::Regular;
      solve();
    }
  }

  TESSERA_HD double p_star() const { return p_star_; }
  TESSERA_HD double u_star() const { return u_star_; }
  // True when the solution contains vacuum (initial or generated).
  TESSERA_HD bool vacuum() const { return kind_ != Kind::Regular; }
  // Newton iterations used (0 with vacuum).
  TESSERA_HD int iterations() const { return iterations_; }

  // The solution at xi = (x - x0) / t.
  TESSERA_HD void sample(double xi, double& rho, double& u, double& p) const {
    switch (kind_) {
      case Kind::Regular:
        if (xi <= u_star_) {
          sample_left(xi, rho, u, p);
        } else {
          sample_right(xi, rho, u, p);
        }
        return;
      case Kind::RightVacuum:
        if (xi <= u_star_) {
          sample_left_fan(xi, rho, u, p);  // head at u_L - c_L, tail at the vacuum front
        } else {
          set_vacuum(xi, rho, u, p);
        }
        return;
      case Kind::LeftVacuum:
        if (xi >= u_star_) {
          sample_right_fan(xi, rho, u, p);
        } else {
          set_vacuum(xi, rho, u, p);
        }
        return;
      case Kind::VacuumGenerated: {
        const double g1 = 2.0 / (g_ - 1.0);
        if (xi <= ul_ + g1 * cl_) {
          sample_left_fan(xi, rho, u, p);
        } else if (xi >= ur_ - g1 * cr_) {
          sample_right_fan(xi, rho, u, p);
        } else {
          set_vacuum(xi, rho, u, p);
        }
        return;
      }
      case Kind::AllVacuum: set_vacuum(xi, rho, u, p); return;
    }
  }

 private:
  enum class Kind { Regular, LeftVacuum, RightVacuum, VacuumGenerated, AllVacuum };

  // f_K(p) and f_K'(p) for the state (rho, p_k, c) (Toro eq. 4.6-4.7, 4.37).
  TESSERA_HD void pressure_function(double p, double rho, double pk, double ck, double& f, double& df) const {
    if (p > pk) {  // shock
      const double a = 2.0 / ((g_ + 1.0) * rho);
      const double b = (g_ - 1.0) / (g_ + 1.0) * pk;
      const double q = sqrt(a / (p + b));
      f = (p - pk) * q;
      df = q * (1.0 - 0.5 * (p - pk) / (b + p));
    } else {  // rarefaction
      const double ratio = p / pk;
      f = 2.0 * ck / (g_ - 1.0) * (pow(ratio, 0.5 * (g_ - 1.0) / g_) - 1.0);
      df = pow(ratio, -0.5 * (g_ + 1.0) / g_) / (rho * ck);
    }
  }

  // Toro sect. 9.5.1: PVRS, or TRRS / TSRS outside [p_min, p_max].
  TESSERA_HD double initial_guess() const {
    const double du = ur_ - ul_;
    const double p_pv = 0.5 * (pl_ + pr_) - 0.125 * du * (rl_ + rr_) * (cl_ + cr_);  // eq. 9.20
    const double p_min = fmin(pl_, pr_), p_max = fmax(pl_, pr_);
    if (p_pv >= p_min && p_pv <= p_max) return p_pv;
    if (p_pv < p_min) {  // two rarefactions, eq. 9.32 (exact when both waves are rarefactions)
      const double z = 0.5 * (g_ - 1.0) / g_;
      const double num = cl_ + cr_ - 0.5 * (g_ - 1.0) * du;
      return pow(num / (cl_ / pow(pl_, z) + cr_ / pow(pr_, z)), 1.0 / z);
    }
    // two shocks, eq. 9.42 with p_0 = p_PV
    const double p0 = fmax(0.0, p_pv);
    const double gl = sqrt(2.0 / ((g_ + 1.0) * rl_) / (p0 + (g_ - 1.0) / (g_ + 1.0) * pl_));
    const double gr = sqrt(2.0 / ((g_ + 1.0) * rr_) / (p0 + (g_ - 1.0) / (g_ + 1.0) * pr_));
    return (gl * pl_ + gr * pr_ - du) / (gl + gr);
  }

  TESSERA_HD void solve() {
    const double p_tiny = 1e-14 * (pl_ + pr_);
    double p = fmax(initial_guess(), p_tiny);
    const double du = ur_ - ul_;
    double fl = 0.0, fr = 0.0, dfl = 0.0, dfr = 0.0;
    for (iterations_ = 1; iterations_ <= kMaxIterations; ++iterations_) {
      pressure_function(p, rl_, pl_, cl_, fl, dfl);
      pressure_function(p, rr_, pr_, cr_, fr, dfr);
      double p_new = p - (fl + fr + du) / (dfl + dfr);
      if (p_new < p_tiny) p_new = p_tiny;
      const double change = 2.0 * fabs(p_new - p) / (p_new + p);
      p = p_new;
      if (change <= kTolerance) break;
    }
    pressure_function(p, rl_, pl_, cl_, fl, dfl);
    pressure_function(p, rr_, pr_, cr_, fr, dfr);
    p_star_ = p;
    u_star_ = 0.5 * (ul_ + ur_) + 0.5 * (fr - fl);  // eq. 4.9
  }

  // Left of the contact (xi <= u*), Toro sect. 4.5.1.
  TESSERA_HD void sample_left(double xi, double& rho, double& u, double& p) const {
    const double gr = (g_ - 1.0) / (g_ + 1.0);
    if (p_star_ > pl_) {  // left shock, eq. 4.52 and 4.50
      const double ratio = p_star_ / pl_;
      const double s = ul_ - cl_ * sqrt(0.5 * (g_ + 1.0) / g_ * ratio + 0.5 * (g_ - 1.0) / g_);
      if (xi <= s) {
        rho = rl_, u = ul_, p = pl_;
      } else {
        rho = rl_ * (ratio + gr) / (gr * ratio + 1.0), u = u_star_, p = p_star_;
      }
      return;
    }
    // left rarefaction: head u_L - c_L, tail u* - c*_L (eq. 4.53-4.55)
    const double c_star = cl_ * pow(p_star_ / pl_, 0.5 * (g_ - 1.0) / g_);
    if (xi >= u_star_ - c_star) {
      rho = rl_ * pow(p_star_ / pl_, 1.0 / g_), u = u_star_, p = p_star_;
    } else {
      sample_left_fan(xi, rho, u, p);
    }
  }

  // Right of the contact (xi > u*), Toro sect. 4.5.2.
  TESSERA_HD void sample_right(double xi, double& rho, double& u, double& p) const {
    const double gr = (g_ - 1.0) / (g_ + 1.0);
    if (p_star_ > pr_) {  // right shock, eq. 4.59 and 4.57
      const double ratio = p_star_ / pr_;
      const double s = ur_ + cr_ * sqrt(0.5 * (g_ + 1.0) / g_ * ratio + 0.5 * (g_ - 1.0) / g_);
      if (xi >= s) {
        rho = rr_, u = ur_, p = pr_;
      } else {
        rho = rr_ * (ratio + gr) / (gr * ratio + 1.0), u = u_star_, p = p_star_;
      }
      return;
    }
    const double c_star = cr_ * pow(p_star_ / pr_, 0.5 * (g_ - 1.0) / g_);
    if (xi <= u_star_ + c_star) {
      rho = rr_ * pow(p_star_ / pr_, 1.0 / g_), u = u_star_, p = p_star_;
    } else {
      sample_right_fan(xi, rho, u, p);
    }
  }

  // The left-facing fan and the unperturbed left state ahead of its head
  // (eq. 4.56); the caller bounds xi from above by the fan's tail.
  TESSERA_HD void sample_left_fan(double xi, double& rho, double& u, double& p) const {
    if (xi <= ul_ - cl_) {
      rho = rl_, u = ul_, p = pl_;
      return;
    }
    // base >= 0 up to the vacuum front, where it vanishes; clamp the round-off.
    const double base = fmax(2.0 / (g_ + 1.0) + (g_ - 1.0) / ((g_ + 1.0) * cl_) * (ul_ - xi), 0.0);
    rho = rl_ * pow(base, 2.0 / (g_ - 1.0));
    u = 2.0 / (g_ + 1.0) * (cl_ + 0.5 * (g_ - 1.0) * ul_ + xi);
    p = pl_ * pow(base, 2.0 * g_ / (g_ - 1.0));
  }

  // The right-facing fan and the right state beyond its head (eq. 4.63).
  TESSERA_HD void sample_right_fan(double xi, double& rho, double& u, double& p) const {
    if (xi >= ur_ + cr_) {
      rho = rr_, u = ur_, p = pr_;
      return;
    }
    const double base = fmax(2.0 / (g_ + 1.0) - (g_ - 1.0) / ((g_ + 1.0) * cr_) * (ur_ - xi), 0.0);
    rho = rr_ * pow(base, 2.0 / (g_ - 1.0));
    u = 2.0 / (g_ + 1.0) * (-cr_ + 0.5 * (g_ - 1.0) * ur_ + xi);
    p = pr_ * pow(base, 2.0 * g_ / (g_ - 1.0));
  }

  TESSERA_HD static void set_vacuum(double xi, double& rho, double& u, double& p) {
    rho = 0.0;
    u = xi;
    p = 0.0;
  }

  static constexpr int kMaxIterations = 100;
  static constexpr double kTolerance = 1e-15;

  double rl_, ul_, pl_, rr_, ur_, pr_, g_;
  double cl_ = 0.0, cr_ = 0.0;
  double p_star_ = 0.0, u_star_ = 0.0;
  int iterations_ = 0;
  Kind kind_ = Kind::Regular;
};

}  // namespace tessera::hydro
