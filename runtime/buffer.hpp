#pragma once
// Buffer<T>: owning, move-only storage of n elements on one Device. Copies
// happen only when asked (to_host, copy_from, clone). Kernels take span().
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/device.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/memory.hpp"
#include "runtime/span.hpp"

namespace tessera {

template <class T>
class Buffer {
  static_assert(std::is_trivially_copyable_v<T>, "Buffer holds trivially copyable types only");

 public:
  Buffer() = default;
  Buffer(const Device& dev, std::size_t n) : dev_(dev), n_(n) {
    ptr_ = static_cast<T*>(memory::allocate(dev_, n * sizeof(T)));
  }
  ~Buffer() { memory::release(dev_, ptr_); }

  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& o) noexcept : dev_(o.dev_), ptr_(std::exchange(o.ptr_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  Buffer& operator=(Buffer&& o) noexcept {
    if (this != &o) {
      memory::release(dev_, ptr_);
      dev_ = o.dev_;
      ptr_ = std::exchange(o.ptr_, nullptr);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }

  T* data() { return ptr_; }
  const T* data() const { return ptr_; }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const Device& device() const { return dev_; }

  Span<T> span() { return {ptr_, static_cast<std::int64_t>(n_)}; }
  Span<const T> span() const { return {ptr_, static_cast<std::int64_t>(n_)}; }

  std::vector<T> to_host() const {
    std::vector<T> out(n_);
    memory::copy(out.data(), Device::host(), ptr_, dev_, n_ * sizeof(T));
    return out;
  }
  void copy_from_host(const T* src, std::size_t n) {
    check_size(n, "copy_from_host");
    memory::copy(ptr_, dev_, src, Device::host(), n * sizeof(T));
  }
  void copy_from_host(const std::vector<T>& src) { copy_from_host(src.data(), src.size()); }
  // Any source device: host<->GPU, GPU<->GPU.
  void copy_from(const Buffer& src) {
    check_size(src.size(), "copy_from");
    memory::copy(ptr_, dev_, src.data(), src.device(), n_ * sizeof(T));
  }
  Buffer clone_to(const Device& dev) const {
    Buffer b(dev, n_);
    b.copy_from(*this);
    return b;
  }
  Buffer clone() const { return clone_to(dev_); }

 private:
  void check_size(std::size_t n, const char* what) const {
    if (n != n_) throw Error(strfmt("Buffer::%s: size mismatch (%zu into %zu elements)", what, n, n_));
  }

  Device dev_;
  T* ptr_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace tessera
