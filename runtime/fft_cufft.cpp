// cuFFT backend of fft::Plan (CUDA devices), compiled in CUDA builds only.
// Plans are made at construction with one work area the plan owns (shared by
// its forward and backward cuFFT plans, which run in order on the device's
// stream), so execution neither allocates nor synchronises.
#include <cuda_runtime_api.h>
#include <cufft.h>

#include <algorithm>
#include <cstddef>
#include <string>

#include "runtime/buffer.hpp"
#include "runtime/cuda_check.hpp"
#include "runtime/cufft_check.hpp"
#include "runtime/error.hpp"
#include "runtime/fft_backend.hpp"
#include "runtime/format.hpp"

namespace tessera::fft::detail {

namespace {

// A cuFFT handle destroyed with its owner, also when construction throws.
struct Handle {
  cufftHandle h{};
  bool made = false;
  Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (made) cufftDestroy(h);
  }
};

class CufftBackend final : public Backend {
 public:
  explicit CufftBackend(const Spec& s) : s_(s), dbl_(s.precision == Precision::Double) {
    if (s.kind != Kind::C2C && s.kind != Kind::R2C)
      throw Error(strfmt("cuFFT backend: %s has no native cuFFT transform (built on R2C instead)", to_string(s.kind)));
    const long long n = s.n;
    rdist_ = s.kind == Kind::R2C && s.options.in_place ? 2 * (n / 2 + 1) : n;
    cdist_ = s.kind == Kind::R2C ? n / 2 + 1 : n;
    // A length-1 transform is a copy; cuFFT's support for it is not documented.
    if (n == 1) return;
    std::size_t work = 0;
    if (s.kind == Kind::C2C) {
      // One cuFFT C2C plan serves both directions (the sign is an execute argument).
      work = make(0, cdist_, cdist_, dbl_ ? CUFFT_Z2Z : CUFFT_C2C);
    } else {
      work = std::max(make(0, rdist_, cdist_, dbl_ ? CUFFT_D2Z : CUFFT_R2C),
                      make(1, cdist_, rdist_, dbl_ ? CUFFT_Z2D : CUFFT_C2R));
    }
    if (work > 0) work_ = Buffer<std::byte>(s.dev, work);
    for (int i = 0; i < 2; ++i) {
      if (!plans_[i].made) continue;
      if (work > 0) TESSERA_CUFFT_CHECK(cufftSetWorkArea(plans_[i].h, work_.data()));
      TESSERA_CUFFT_CHECK(cufftSetStream(plans_[i].h, static_cast<cudaStream_t>(s.dev.stream())));
    }
  }

  void execute(Direction dir, void* in, void* out) override {
    if (s_.n == 1) return copy_length_one(dir, in, out);
    const bool fwd = dir == Direction::Forward;
    if (s_.kind == Kind::C2C) {
      const int sign = fwd ? CUFFT_FORWARD : CUFFT_INVERSE;
      if (dbl_)
        TESSERA_CUFFT_CHECK(cufftExecZ2Z(plans_[0].h, static_cast<cufftDoubleComplex*>(in),
                                         static_cast<cufftDoubleComplex*>(out), sign));
      else
        TESSERA_CUFFT_CHECK(
            cufftExecC2C(plans_[0].h, static_cast<cufftComplex*>(in), static_cast<cufftComplex*>(out), sign));
    } else if (fwd) {
      if (dbl_)
        TESSERA_CUFFT_CHECK(
            cufftExecD2Z(plans_[0].h, static_cast<cufftDoubleReal*>(in), static_cast<cufftDoubleComplex*>(out)));
      else
        TESSERA_CUFFT_CHECK(cufftExecR2C(plans_[0].h, static_cast<cufftReal*>(in), static_cast<cufftComplex*>(out)));
    } else {
      if (dbl_)
        TESSERA_CUFFT_CHECK(
            cufftExecZ2D(plans_[1].h, static_cast<cufftDoubleComplex*>(in), static_cast<cufftDoubleReal*>(out)));
      else
        TESSERA_CUFFT_CHECK(cufftExecC2R(plans_[1].h, static_cast<cufftComplex*>(in), static_cast<cufftReal*>(out)));
    }
  }

  std::size_t workspace_bytes() const override { return work_.size(); }

 private:
  // Makes plans_[slot] for `count` lines without a work area; returns the work bytes it needs.
  std::size_t make(int slot, long long idist, long long odist, cufftType type) {
    TESSERA_CUFFT_CHECK(cufftCreate(&plans_[slot].h));
    plans_[slot].made = true;
    TESSERA_CUFFT_CHECK(cufftSetAutoAllocation(plans_[slot].h, 0));
    long long n = s_.n, inembed = idist, onembed = odist;
    std::size_t work = 0;
    TESSERA_CUFFT_CHECK(
        cufftMakePlanMany64(plans_[slot].h, 1, &n, &inembed, 1, idist, &onembed, 1, odist, type, s_.count, &work));
    return work;
  }

  // n == 1: C2C is the identity, R2C gives (x, 0), C2R keeps the real part.
  void copy_length_one(Direction dir, void* in, void* out) {
    auto stream = static_cast<cudaStream_t>(s_.dev.stream());
    const std::size_t t = dbl_ ? sizeof(double) : sizeof(float);
    const std::size_t count = static_cast<std::size_t>(s_.count);
    const std::size_t rpitch = static_cast<std::size_t>(rdist_) * t;
    if (s_.kind == Kind::C2C) {
      if (in != out) TESSERA_CUDA_CHECK(cudaMemcpyAsync(out, in, count * 2 * t, cudaMemcpyDeviceToDevice, stream));
    } else if (dir == Direction::Forward) {
      if (in != out)
        TESSERA_CUDA_CHECK(cudaMemcpy2DAsync(out, 2 * t, in, rpitch, t, count, cudaMemcpyDeviceToDevice, stream));
      TESSERA_CUDA_CHECK(cudaMemset2DAsync(static_cast<char*>(out) + t, 2 * t, 0, t, count, stream));
    } else if (in != out) {
      TESSERA_CUDA_CHECK(cudaMemcpy2DAsync(out, rpitch, in, 2 * t, t, count, cudaMemcpyDeviceToDevice, stream));
    }
  }

  Spec s_;
  bool dbl_;
  long long rdist_ = 0, cdist_ = 0;
  Buffer<std::byte> work_;  // declared before the plans: destroyed after them
  Handle plans_[2];
};

}  // namespace

std::unique_ptr<Backend> make_cufft(const Spec& spec) { return std::make_unique<CufftBackend>(spec); }

std::string cufft_version() {
  int v = 0;
  if (cufftGetVersion(&v) != CUFFT_SUCCESS) return "unknown";
  return strfmt("%d.%d.%d", v / 1000, (v % 1000) / 100, v % 100);
}

}  // namespace tessera::fft::detail
