#pragma once
// RowScratch: the working memory of a for_each_row_block kernel, owned by
// whoever runs the kernel every step (a solver), so that no allocation
// happens inside the time step. One buffer per OpenMP thread, handed to the
// kernel's blocks by for_each_row_block(r, j_block, scratch, per_thread, f),
// plus one shared buffer for serial use (per-row results). A buffer is
// reallocated only when a call asks for more than it holds (the first call,
// or a larger block shape); asking for less reuses it.
//
// Contents are not kept or initialised: a kernel writes what it reads. One
// caller at a time (slots are by OpenMP thread number of the loop's team):
// not from inside another parallel region.
// Buffers are raw bytes on 64-byte boundaries; ScratchCarver cuts typed
// arrays from one (measure a layout with a null base, then cut it for real).
// Host backend only (plain heap memory).
#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace tessera {

class RowScratch {
 public:
  // The shared buffer, at least n bytes (not thread-safe: call it outside
  // the parallel loop).
  std::byte* shared(std::size_t n) { return grow(shared_, n); }

  // Bytes held now, all buffers together.
  std::size_t bytes() const {
    std::size_t b = shared_.n;
    for (const Slot& s : threads_) b += s.n;
    return b;
  }

  // Times a buffer was (re)allocated: sized once means this stops growing.
  std::size_t allocations() const { return allocations_; }

  // Before a parallel loop of `threads` threads: slots for all of them
  // (the slots' buffers are allocated by the threads that use them).
  void prepare(int threads) {
    if (static_cast<int>(threads_.size()) < threads) threads_.resize(static_cast<std::size_t>(threads));
  }

  // Thread t's buffer, at least n bytes (thread t only).
  std::byte* thread(int t, std::size_t n) { return grow(threads_[static_cast<std::size_t>(t)], n); }

 private:
  struct Free {
    void operator()(std::byte* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  struct alignas(64) Slot {  // one cache line each: threads touch only their own
    std::unique_ptr<std::byte[], Free> p;
    std::size_t n = 0;
  };

  std::byte* grow(Slot& s, std::size_t n) {
    if (n > s.n) {
      s.p.reset();  // the old contents are not kept: no peak of both
      s.p.reset(static_cast<std::byte*>(::operator new[](n, std::align_val_t{64})));
      s.n = n;
#pragma omp atomic
      ++allocations_;
    }
    return s.p.get();
  }

  std::vector<Slot> threads_;
  Slot shared_;
  std::size_t allocations_ = 0;
};

// Typed arrays cut one after another from a scratch buffer, each starting on
// a cache line. With a null base it only adds up the bytes a layout needs.
class ScratchCarver {
 public:
  explicit ScratchCarver(std::byte* base = nullptr) : base_(base) {}
  template <class T>
  T* take(std::size_t n) {
    used_ = (used_ + 63) / 64 * 64;
    T* p = base_ ? reinterpret_cast<T*>(base_ + used_) : nullptr;
    used_ += n * sizeof(T);
    return p;
  }
  std::size_t bytes() const { return used_; }

 private:
  std::byte* base_;
  std::size_t used_ = 0;
};

}  // namespace tessera
