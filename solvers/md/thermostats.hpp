#pragma once
// The md solver's thermostats as units of their own (LAMMPS's fix styles),
// each holding its state (what a checkpoint saves) and working in energy
// units: kt is k_B T, kinetic energies are mvv2e m v^2 / 2.
//  - NoseHooverChain: a chain of three (Martyna, Klein & Tuckerman 1992),
//    half steps with Trotter splitting, as LAMMPS fix nvt;
//  - BussiThermostat: stochastic velocity rescaling (Bussi, Donadio &
//    Parrinello 2007), the kinetic energy relaxing to its canonical
//    distribution; the energy it took out is kept for the conserved quantity;
//  - LangevinThermostat: friction and random forces (Schneider & Stoll
//    1978), counter-based random numbers keyed by (seed, atom id, step): the
//    same forces at any rank count.
#include <array>
#include <cmath>
#include <cstdint>

#include "decomposition/particles.hpp"
#include "physics/md/units.hpp"
#include "runtime/counter_rng.hpp"
#include "runtime/device.hpp"

namespace tessera::md {

class NoseHooverChain {
 public:
  explicit NoseHooverChain(double tau = 1) : tau_(tau) {}
  // Half a step of the chain from twice the kinetic energy `ke2` of `dof`
  // degrees of freedom; returns the factor the velocities must be scaled by.
  double half_step(double ke2, double dof, double kt, double dt) {
    const double q[3] = {dof * kt * tau_ * tau_, kt * tau_ * tau_, kt * tau_ * tau_};
    const double h = 0.5 * dt;
    auto force = [&](int k) { return k == 0 ? (ke2 - dof * kt) / q[0] : (q[k - 1] * v_[k - 1] * v_[k - 1] - kt) / q[k]; };
    v_[2] += 0.5 * h * force(2);
    for (int k = 1; k >= 0; --k) {
      const double damp = std::exp(-0.25 * h * v_[k + 1]);
      v_[k] = (v_[k] * damp + 0.5 * h * force(k)) * damp;
    }
    const double scale = std::exp(-h * v_[0]);
    ke2 *= scale * scale;
    for (int k = 0; k < 3; ++k) xi_[k] += h * v_[k];
    for (int k = 0; k < 2; ++k) {
      const double damp = std::exp(-0.25 * h * v_[k + 1]);
      v_[k] = (v_[k] * damp + 0.5 * h * force(k)) * damp;
    }
    v_[2] += 0.5 * h * force(2);
    return scale;
  }
  // The chain's energy: what, added to the system's, is conserved.
  double energy(double dof, double kt) const {
    const double q[3] = {dof * kt * tau_ * tau_, kt * tau_ * tau_, kt * tau_ * tau_};
    double e = dof * kt * xi_[0] + kt * (xi_[1] + xi_[2]);
    for (int k = 0; k < 3; ++k) e += 0.5 * q[k] * v_[k] * v_[k];
    return e;
  }
  // Positions then velocities of the chain.
  std::array<double, 6> state() const { return {xi_[0], xi_[1], xi_[2], v_[0], v_[1], v_[2]}; }
  void restore(const std::array<double, 6>& s) {
    for (int k = 0; k < 3; ++k) xi_[k] = s[k], v_[k] = s[3 + k];
  }

 private:
  double tau_ = 1, xi_[3] = {0, 0, 0}, v_[3] = {0, 0, 0};
};

class BussiThermostat {
 public:
  BussiThermostat() = default;
  BussiThermostat(double tau, std::uint64_t seed) : tau_(tau), seed_(seed) {}
  // The factor the velocities must be scaled by at the end of `step`, from
  // the kinetic energy k of dof degrees of freedom; the same on every rank.
  double rescale(double k, double dof, double kt, double dt, std::int64_t step);
  double energy() const { return work_; }
  double state() const { return work_; }
  void restore(double work) { work_ = work; }

 private:
  double tau_ = 1, work_ = 0;
  std::uint64_t seed_ = 0;
};

class LangevinThermostat {
 public:
  LangevinThermostat() = default;
  LangevinThermostat(double tau, std::uint64_t seed) : gamma_(1.0 / tau), seed_(seed) {}
  // Adds friction -gamma m v and a random force of variance
  // 2 gamma m k_B T / dt per component (forces m v / (ftm2v t), k_B T /
  // mvv2e a velocity squared) to the owned atoms' forces.
  void add_forces(const Device& dev, const Particles& p, int vel, const std::int64_t* type, const double* type_mass,
                  std::int64_t step, double kt, double dt, const UnitSystem& u, double* fx, double* fy,
                  double* fz) const;

 private:
  double gamma_ = 1;
  std::uint64_t seed_ = 0;
};

}  // namespace tessera::md
