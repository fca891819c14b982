// cuFFT backend of fft::Plan (CUDA devices), compiled in CUDA builds only.
// Plans are made at construction with one work area the plan owns (shared by
// its forward and backward cuFFT plans, which run in order on the device's
// stream), so execution neither allocates nor synchronises. A layout's inner
// batch dimension is cuFFT's batch (cufftMakePlanMany64 strides); the outer
// one is a loop of executions at pointer offsets.
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
    const Layout& l = s.layout;
    // A length-1 transform is a (strided) copy; cuFFT's support for it is not documented.
    if (s.n == 1) return;
    std::size_t work = 0;
    if (s.kind == Kind::C2C) {
      // One cuFFT C2C plan serves both directions (the sign is an execute argument).
      work = make(0, l.physical, l.spectral, dbl_ ? CUFFT_Z2Z : CUFFT_C2C);
      if (l.physical.stride != l.spectral.stride || l.physical.dist != l.spectral.dist)
        work = std::max(work, make(1, l.spectral, l.physical, dbl_ ? CUFFT_Z2Z : CUFFT_C2C));
    } else {
      work = std::max(make(0, l.physical, l.spectral, dbl_ ? CUFFT_D2Z : CUFFT_R2C),
                      make(1, l.spectral, l.physical, dbl_ ? CUFFT_Z2D : CUFFT_C2R));
    }
    if (work > 0) work_ = Buffer<std::byte>(s.dev, work);
    for (int i = 0; i < 2; ++i) {
      if (!plans_[i].made) continue;
      if (work > 0) TESSERA_CUFFT_CHECK(cufftSetWorkArea(plans_[i].h, work_.data()));
      TESSERA_CUFFT_CHECK(cufftSetStream(plans_[i].h, static_cast<cudaStream_t>(s.dev.stream())));
    }
  }

  void execute(Direction dir, void* in, void* out) override {
    const bool fwd = dir == Direction::Forward;
    const Layout& l = s_.layout;
    // Bytes between outer batches on each side of this direction.
    const std::size_t t = dbl_ ? sizeof(double) : sizeof(float);
    const bool cin = s_.kind == Kind::C2C || !fwd, cout = s_.kind == Kind::C2C || fwd;
    const std::int64_t in_step = (fwd ? l.physical.dist2 : l.spectral.dist2) * static_cast<std::int64_t>(cin ? 2 * t : t);
    const std::int64_t out_step = (fwd ? l.spectral.dist2 : l.physical.dist2) * static_cast<std::int64_t>(cout ? 2 * t : t);
    for (int b = 0; b < l.count2; ++b) {
      void* i = static_cast<char*>(in) + b * in_step;
      void* o = static_cast<char*>(out) + b * out_step;
      if (s_.n == 1)
        copy_length_one(dir, i, o);
      else
        once(dir, i, o);
    }
  }

  void once(Direction dir, void* in, void* out) {
    const bool fwd = dir == Direction::Forward;
    if (s_.kind == Kind::C2C) {
      const int sign = fwd ? CUFFT_FORWARD : CUFFT_INVERSE;
      const cufftHandle h = !fwd && plans_[1].made ? plans_[1].h : plans_[0].h;
      if (dbl_)
        TESSERA_CUFFT_CHECK(cufftExecZ2Z(h, static_cast<cufftDoubleComplex*>(in),
                                         static_cast<cufftDoubleComplex*>(out), sign));
      else
        TESSERA_CUFFT_CHECK(cufftExecC2C(h, static_cast<cufftComplex*>(in), static_cast<cufftComplex*>(out), sign));
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
  // Makes plans_[slot] for the inner batch (in -> out) without a work area;
  // returns the work bytes it needs.
  std::size_t make(int slot, const Lines& in, const Lines& out, cufftType type) {
    TESSERA_CUFFT_CHECK(cufftCreate(&plans_[slot].h));
    plans_[slot].made = true;
    TESSERA_CUFFT_CHECK(cufftSetAutoAllocation(plans_[slot].h, 0));
    // For rank 1 cuFFT reads only the strides and distances; non-null embeds
    // switch the advanced layout on.
    long long n = s_.n, inembed = n, onembed = n;
    std::size_t work = 0;
    TESSERA_CUFFT_CHECK(cufftMakePlanMany64(plans_[slot].h, 1, &n, &inembed, in.stride, in.dist, &onembed, out.stride,
                                            out.dist, type, s_.layout.count, &work));
    return work;
  }

  // n == 1, one outer batch: C2C is the identity, R2C gives (x, 0), C2R keeps the real part.
  void copy_length_one(Direction dir, void* in, void* out) {
    auto stream = static_cast<cudaStream_t>(s_.dev.stream());
    const Layout& l = s_.layout;
    const bool fwd = dir == Direction::Forward;
    const std::size_t t = dbl_ ? sizeof(double) : sizeof(float);
    const std::size_t count = static_cast<std::size_t>(l.count);
    const std::size_t win = s_.kind == Kind::C2C || !fwd ? 2 * t : t;   // bytes per element read
    const std::size_t wout = s_.kind == Kind::C2C || fwd ? 2 * t : t;   // bytes per element written
    // Row pitches; a single row may have any distance, cudaMemcpy2D wants pitch >= width.
    auto pitch = [&](std::int64_t dist, std::size_t w) {
      return count == 1 ? w : std::max<std::size_t>(static_cast<std::size_t>(dist) * w, w);
    };
    const std::size_t pin = pitch(fwd ? l.physical.dist : l.spectral.dist, win);
    const std::size_t pout = pitch(fwd ? l.spectral.dist : l.physical.dist, wout);
    const std::size_t copied = std::min(win, wout);  // C2C: both parts; R2C/C2R: the real part
    if (in != out)
      TESSERA_CUDA_CHECK(cudaMemcpy2DAsync(out, pout, in, pin, copied, count, cudaMemcpyDeviceToDevice, stream));
    if (s_.kind == Kind::R2C && fwd)
      TESSERA_CUDA_CHECK(cudaMemset2DAsync(static_cast<char*>(out) + t, pout, 0, t, count, stream));
  }

  Spec s_;
  bool dbl_;
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
