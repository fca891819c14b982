// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "solvers/spectral/poisson_solver.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/format.hpp"

namespace tessera::spectral {

const char* to_string(Boundary b) {
  switch (b) {
    case Boundary::Periodic: return "periodic";
    case Boundary::Neumann: return "Neumann";
    case Boundary::Dirichlet: return "Dirichlet";
  }
  return "?";
}

namespace {

FftSpec transform_for(const PoissonSpec& spec) {
  FftSpec f;
  f.any_spectral_order = true;  // the eigenvalue division addresses the spectrum by its strides
  for (int d = 0; d < 3; ++d)
    f.axes[d] = spec.boundary[d] == Boundary::Periodic  ? AxisTransform::Periodic
                : spec.boundary[d] == Boundary::Neumann ? AxisTransform::Cosine
                                                        : AxisTransform::Sine;
  return f;
}

const PoissonSpec& checked(const PoissonSpec& spec) {
  constexpr const char* axis[3] = {"x", "y", "z"};
  for (int d = 0; d < 3; ++d)
    if (!(spec.length[d] > 0))
      throw InputError(strfmt("Poisson solver: the domain length along %s is %g; it must be positive", axis[d],
                              spec.length[d]));
  return spec;
}

// Eigenvalues of the Laplacian along one axis, by spectral index k.
std::vector<double> axis_eigenvalues(Boundary b, Eigenvalues e, int n, int entries, double length) {
  const double pi = std::numbers::pi, h = length / n;
  std::vector<double> lambda(static_cast<std::size_t>(entries));
  for (int k = 0; k < entries; ++k) {
    double v = 0;
    if (b == Boundary::Periodic) {
      const int signed_k = k <= n / 2 ? k : k - n;
      const double s = std::sin(pi * k / n);
      v = e == Eigenvalues::FiniteDifference ? -4 * s * s / (h * h) : -std::pow(2 * pi * signed_k / length, 2);
    } else {
      const int m = b == Boundary::Neumann ? k : k + 1;
      const double s = std::sin(pi * m / (2.0 * n));
      v = e == Eigenvalues::FiniteDifference ? -4 * s * s / (h * h) : -std::pow(pi * m / length, 2);
    }
    lambda[static_cast<std::size_t>(k)] = v;
  }
  return lambda;
}

template <class T>
TESSERA_HD inline void scale(T& v, double f) {
  v = static_cast<T>(v * f);
}
template <class T>
TESSERA_HD inline void scale(fft::complex<T>& v, double f) {
  v.re = static_cast<T>(v.re * f);
  v.im = static_cast<T>(v.im * f);
}

// Divides each spectral coefficient (this rank's `box`, element strides
// `st` of x, y and z) by its eigenvalue and the transform's normalisation;
// the zero mode of a singular problem becomes 0 (solution of zero mean).
// Threads walk the array in its memory order.
template <class E>
void divide_by_eigenvalues(const Device& dev, E* data, const Range3& box, const std::array<std::int64_t, 3>& st,
                           const double* lx, const double* ly, const double* lz, double norm, bool singular) {
  std::array<int, 3> ax{0, 1, 2};
  std::sort(ax.begin(), ax.end(), [&](int a, int b) { return st[a] < st[b]; });
  const int a0 = ax[0], a1 = ax[1], a2 = ax[2];
  const std::int64_t s0 = st[a0], s1 = st[a1], s2 = st[a2];
  const int lo0 = box.lo[a0], lo1 = box.lo[a1], lo2 = box.lo[a2];
  for_each(dev, Range3(box.extent(a0), box.extent(a1), box.extent(a2)), [=] TESSERA_HD(int i, int j, int k) {
    int g[3];
    g[a0] = lo0 + i;
    g[a1] = lo1 + j;
    g[a2] = lo2 + k;
    const bool zero_mode = g[0] == 0 && g[1] == 0 && g[2] == 0;
    const double lambda = lx[g[0]] + ly[g[1]] + lz[g[2]];
    const double f = singular && zero_mode ? 0.0 : 1.0 / (lambda * norm);
    scale(data[i * s0 + j * s1 + k * s2], f);
  });
}

}  // namespace

template <class T>
PoissonSolver<T>::PoissonSolver(const PencilLayout& layout, Transport& transport, const PoissonSpec& spec)
    : spec_(checked(spec)), fft_(layout, transport, transform_for(spec)) {
  singular_ = true;
  for (Boundary b : spec.boundary) singular_ = singular_ && b != Boundary::Dirichlet;
  const Device& dev = transport.device();
  const auto& spectral = fft_.spectral_layout().cells();
  for (int d = 0; d < 3; ++d) {
    const auto lambda =
        axis_eigenvalues(spec.boundary[d], spec.eigenvalues, layout.cells()[d], spectral[d], spec.length[d]);
    eigen_[d] = Buffer<double>(dev, lambda.size());
    eigen_[d].copy_from_host(lambda);
  }
  const std::size_t element = fft_.spectral_is_complex() ? sizeof(fft::complex<T>) : sizeof(T);
  spectrum_ = Buffer<std::byte>(dev, static_cast<std::size_t>(fft_.spectral_size()) * element);
}

template <class T>
std::size_t PoissonSolver<T>::memory_bytes() const {
  std::size_t b = fft_.memory_bytes() + spectrum_.size();
  for (const auto& e : eigen_) b += e.size() * sizeof(double);
  return b;
}

template <class T>
void PoissonSolver<T>::solve(const T* f, T* phi) {
  const Range3 box = fft_.spectral_box();
  const auto& st = fft_.spectral_strides();
  const Device& dev = spectrum_.device();
  const double norm = fft_.normalisation();
  if (fft_.spectral_is_complex()) {
    auto* s = reinterpret_cast<fft::complex<T>*>(spectrum_.data());
    fft_.forward(f, s);
    divide_by_eigenvalues(dev, s, box, st, eigen_[0].data(), eigen_[1].data(), eigen_[2].data(), norm, singular_);
    fft_.backward(s, phi);
  } else {
    auto* s = reinterpret_cast<T*>(spectrum_.data());
    fft_.forward(f, s);
    divide_by_eigenvalues(dev, s, box, st, eigen_[0].data(), eigen_[1].data(), eigen_[2].data(), norm, singular_);
    fft_.backward(s, phi);
  }
}

template class PoissonSolver<double>;
template class PoissonSolver<float>;

}  // namespace tessera::spectral
