#pragma once
// Pppm: particle-particle particle-mesh Ewald (Hockney & Eastwood), as
// LAMMPS's kspace_style pppm: charges spread with a B-spline of order 2 .. 7
// (spectral/particle_mesh), the periodic mesh transformed by the distributed
// FFT (R2C), multiplied by the optimal influence function for ik
// differentiation with its aliasing sums, three inverse transforms give the
// gradient of the potential, interpolated back with the same weights.
// Energy and virial are sums over the spectrum. Parameters (g_ewald, mesh)
// are chosen from the accuracy at the first setup() as LAMMPS does
// (long_range.hpp, kspace::); later setups (a new box) keep them and
// recompute the influence function.
#include <array>
#include <memory>

#include "solvers/md/long_range.hpp"
#include "runtime/buffer.hpp"
#include "runtime/fft.hpp"

#include "solvers/spectral/particle_mesh.hpp"

namespace tessera::spectral {
template <class T>
class DistributedFft;
}  // namespace tessera::spectral

namespace tessera::md {

class Pppm final : public LongRange {
 public:
  // Throws InputError for parameters out of range.
  Pppm(const LongRangeSpec& spec, Transport& transport, const Device& dev);
  ~Pppm() override;

  void setup(const CartesianLayout& layout, std::int64_t natoms, double sum_q, double sum_q2) override;
  LongRangeTerms compute(const ChargedAtoms& atoms, bool energy_and_virial) override;
  double g_ewald() const override { return g_; }
  std::string describe() const override;
  std::size_t memory_bytes() const override;
  void set_timers(Timers* timers) override { timers_ = timers; }

  const std::array<int, 3>& mesh() const { return mesh_; }
  // How charges are spread (benchmarks: atomics against the deterministic gather on a GPU).
  void set_spreading(spectral::Spreading s) {
    spreading_ = s;
    if (pm_) pm_->set_spreading(s);
  }
  // Estimated RMS force error relative to two unit charges at unit distance.
  double estimated_error() const { return error_; }

 private:
  void build(const CartesianLayout& layout);
  void compute_influence();

  LongRangeSpec spec_;
  Transport& transport_;
  Device dev_;
  double g_ = 0, error_ = 0;
  std::array<int, 3> mesh_{0, 0, 0};
  std::array<double, 3> lower_{0, 0, 0}, length_{1, 1, 1};
  std::int64_t natoms_ = 0;
  double sum_q_ = 0, sum_q2_ = 0;
  int ranks_ = 1;
  bool chosen_ = false, warned_ = false;
  Timers* timers_ = nullptr;
  spectral::Spreading spreading_ = spectral::Spreading::Default;
  Timers untimed_;  // stands in when no one asked for timings
  std::array<int, 3> layout_grid_{0, 0, 0};
  std::unique_ptr<spectral::DistributedFft<double>> fft_;
  std::unique_ptr<spectral::ParticleMesh> pm_;
  Buffer<double> density_, influence_;
  Buffer<fft::complex<double>> spectrum_, work_;
  std::array<Buffer<double>, 3> gradient_;
  // Per axis, the wavenumber ik differentiation multiplies by at each mesh
  // index (0 at the Nyquist index), made with the influence function.
  std::array<Buffer<double>, 3> wavenumber_;
};

}  // namespace tessera::md
