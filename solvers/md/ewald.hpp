#pragma once
// Ewald: the reciprocal-space sum over k-vectors, as LAMMPS's kspace_style
// ewald: g_ewald from the accuracy and the real-space cutoff (or given), the
// k-vectors of the half space with |k|^2 below the largest of
// (2 pi kmax_d / L_d)^2, kmax_d the smallest whose error estimate meets the
// accuracy. Structure factors are summed over each rank's atoms and then
// over the ranks. O(N x K): the reference for small systems and tests.
#include <vector>

#include "solvers/md/long_range.hpp"
#include "runtime/buffer.hpp"

namespace tessera::md {

class Ewald final : public LongRange {
 public:
  Ewald(const LongRangeSpec& spec, Transport& transport, const Device& dev);

  void setup(const CartesianLayout& layout, std::int64_t natoms, double sum_q, double sum_q2) override;
  LongRangeTerms compute(const ChargedAtoms& atoms, bool energy_and_virial) override;
  double g_ewald() const override { return g_; }
  std::string describe() const override;
  std::size_t memory_bytes() const override;

  std::int64_t kvectors() const { return static_cast<std::int64_t>(ug_.size()); }
  const std::array<int, 3>& kmax() const { return kmax_; }
  double estimated_error() const { return error_; }

 private:
  LongRangeSpec spec_;
  Transport& transport_;
  Device dev_;
  double g_ = 0, error_ = 0;
  std::array<int, 3> kmax_{0, 0, 0};
  std::array<double, 3> length_{1, 1, 1};
  double sum_q_ = 0, sum_q2_ = 0;
  int ranks_ = 1;
  bool warned_ = false;
  std::vector<double> ug_;             // 4 pi / V exp(-k^2 / 4 g^2) / k^2, host
  std::vector<double> k_host_;         // kx, ky, kz per vector
  Buffer<double> k_, coeff_, sums_;    // device: k-vectors, ug, (cos, sin) structure factors
};

}  // namespace tessera::md
