#pragma once
// Non-owning views and index ranges. Trivially copyable: kernels capture them
// by value. Bounds are the caller's contract (no checks on the device).
#include <cstddef>
#include <cstdint>

#include "runtime/macros.hpp"

namespace tessera {

template <class T>
struct Span {
  T* ptr = nullptr;
  std::int64_t n = 0;

  TESSERA_HD T& operator[](std::int64_t i) const { return ptr[i]; }
  TESSERA_HD T* data() const { return ptr; }
  TESSERA_HD std::int64_t size() const { return n; }
};

// Half-open box [lo, hi) of cell indices; may start below zero (ghosts).
struct Range3 {
  int lo[3] = {0, 0, 0};
  int hi[3] = {0, 0, 0};

  Range3() = default;
  Range3(int nx, int ny, int nz) : lo{0, 0, 0}, hi{nx, ny, nz} {}
  Range3(int lx, int ly, int lz, int hx, int hy, int hz) : lo{lx, ly, lz}, hi{hx, hy, hz} {}

  TESSERA_HD int extent(int d) const { return hi[d] > lo[d] ? hi[d] - lo[d] : 0; }
  TESSERA_HD std::int64_t size() const {
    return static_cast<std::int64_t>(extent(0)) * extent(1) * extent(2);
  }
  TESSERA_HD bool empty() const { return size() == 0; }
};

// A 3-D array view, x fastest. `origin` shifts indices so ghost cells can have
// negative indices: element (i, j, k) lives at ptr[(i-ox) + sy*(j-oy) + sz*(k-oz)].
template <class T>
struct Span3 {
  T* ptr = nullptr;
  int ox = 0, oy = 0, oz = 0;
  std::int64_t sy = 0, sz = 0;

  Span3() = default;
  // Dense array of nx*ny*nz elements whose first element is index `lo`.
  Span3(T* p, const Range3& box)
      : ptr(p), ox(box.lo[0]), oy(box.lo[1]), oz(box.lo[2]), sy(box.extent(0)),
        sz(static_cast<std::int64_t>(box.extent(0)) * box.extent(1)) {}

  TESSERA_HD T& operator()(int i, int j, int k) const {
    return ptr[(i - ox) + sy * (j - oy) + sz * (k - oz)];
  }
};

// Several components over the same box, one after another (structure of
// arrays): component c of cell (i, j, k) lives at c * stride plus the
// cell's Span3 offset.
template <class T>
struct FieldView {
  T* ptr = nullptr;
  int ox = 0, oy = 0, oz = 0;
  std::int64_t sy = 0, sz = 0, stride = 0;

  FieldView() = default;
  FieldView(T* p, const Range3& box)
      : ptr(p), ox(box.lo[0]), oy(box.lo[1]), oz(box.lo[2]), sy(box.extent(0)),
        sz(static_cast<std::int64_t>(box.extent(0)) * box.extent(1)), stride(box.size()) {}

  TESSERA_HD std::int64_t offset(int i, int j, int k) const { return (i - ox) + sy * (j - oy) + sz * (k - oz); }
  TESSERA_HD T& operator()(int c, int i, int j, int k) const { return ptr[c * stride + offset(i, j, k)]; }
  TESSERA_HD T* component(int c) const { return ptr + c * stride; }
};

}  // namespace tessera
