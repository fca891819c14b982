// The execution layer on the backend TESSERA_DEVICE selects: for_each,
// reductions, scans, sorts, Buffer. Kernel bodies live in free functions:
// nvcc forbids extended lambdas inside gtest's private TestBody.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "runtime/buffer.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "runtime/reduce.hpp"
#include "runtime/scan.hpp"
#include "runtime/sort.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using tessera::testing::test_device;

namespace {

// Counts visits per index with a plain increment: a double visit or a race
// between two visits shows up as a count other than one.
std::vector<int> visits_1d(std::int64_t n) {
  Buffer<int> count(test_device(), static_cast<std::size_t>(n));
  fill(count, 0);
  int* c = count.data();
  for_each(test_device(), n, [=] TESSERA_HD(int i) { c[i] += 1; });
  return count.to_host();
}

std::vector<int> visits_3d(const Range3& r) {
  Buffer<int> count(test_device(), static_cast<std::size_t>(r.size()));
  fill(count, 0);
  Span3<int> c(count.data(), r);
  for_each(test_device(), r, [=] TESSERA_HD(int i, int j, int k) { c(i, j, k) += 1; });
  return count.to_host();
}

// Writes the flat index each 3-D visit computes, to check the index mapping.
std::vector<std::int64_t> flat_ids_3d(const Range3& r) {
  Buffer<std::int64_t> id(test_device(), static_cast<std::size_t>(r.size()));
  fill(id, std::int64_t{-1});
  Span3<std::int64_t> v(id.data(), r);
  const int nx = r.extent(0), ny = r.extent(1);
  const int lx = r.lo[0], ly = r.lo[1], lz = r.lo[2];
  for_each(test_device(), r, [=] TESSERA_HD(int i, int j, int k) {
    v(i, j, k) = (i - lx) + static_cast<std::int64_t>(nx) * ((j - ly) + static_cast<std::int64_t>(ny) * (k - lz));
  });
  return id.to_host();
}

std::int64_t sum_of_indices(std::int64_t n) {
  return reduce_sum(test_device(), n, [=] TESSERA_HD(int i) { return static_cast<std::int64_t>(i); });
}

std::int64_t min_of_shifted(std::int64_t n, std::int64_t where) {
  return reduce_min(test_device(), n, [=] TESSERA_HD(int i) {
    return i == where ? std::int64_t{-7} : static_cast<std::int64_t>(i) + 3;
  });
}

std::int64_t max_of_shifted(std::int64_t n, std::int64_t where) {
  return reduce_max(test_device(), n, [=] TESSERA_HD(int i) {
    return i == where ? std::int64_t{1} << 40 : static_cast<std::int64_t>(i);
  });
}

double sum_of_buffer(const Buffer<double>& b) {
  const double* p = b.data();
  return reduce_sum(test_device(), static_cast<std::int64_t>(b.size()), [=] TESSERA_HD(int i) { return p[i]; });
}

double min_of_buffer(const Buffer<double>& b) {
  const double* p = b.data();
  return reduce_min(test_device(), static_cast<std::int64_t>(b.size()), [=] TESSERA_HD(int i) { return p[i]; });
}

double sum_3d_weighted(const Range3& r) {
  return reduce_sum(test_device(), r, [=] TESSERA_HD(int i, int j, int k) { return 1.0 * i + 10.0 * j + 100.0 * k; });
}

int max_3d_index(const Range3& r) {
  return reduce_max(test_device(), r, [=] TESSERA_HD(int i, int j, int k) { return i * j * k; });
}

void axpy(double a, const Buffer<double>& x, Buffer<double>& y) {
  const double* xp = x.data();
  double* yp = y.data();
  for_each(test_device(), static_cast<std::int64_t>(y.size()), [=] TESSERA_HD(int i) { yp[i] += a * xp[i]; });
}

// Flags (on the device) whether the 1-D launch over n handed the body an index
// outside [0, n) and whether it reached n - 1: near INT_MAX a 32-bit global
// index wraps negative.
std::vector<int> edge_visits(std::int64_t n) {
  Buffer<int> flags(test_device(), 2);
  fill(flags, 0);
  int* f = flags.data();
  const int last = static_cast<int>(n - 1);
  for_each(test_device(), n, [=] TESSERA_HD(int i) {
    if (i < 0 || i > last) f[0] = 1;
    if (i == last) f[1] = 1;
  });
  return flags.to_host();
}

std::int64_t count_odd_indices(std::int64_t n) {
  return reduce_sum(test_device(), n, [=] TESSERA_HD(int i) { return static_cast<std::int64_t>(i & 1); });
}

// Fills `b` with a value only after a long dependent loop on the device, so
// a copy that does not wait for this stream reads the old contents.
void slow_fill(const Device& dev, Buffer<double>& b, double value) {
  double* p = b.data();
  for_each(dev, static_cast<std::int64_t>(b.size()), [=] TESSERA_HD(int i) {
    double x = 0;
    for (int k = 0; k < 20000; ++k) x = x * 0.5 + 1.0;  // converges to 2
    p[i] = value + (x - 2.0);
  });
}

std::vector<double> random_doubles(std::size_t n, unsigned seed, double lo = -1.0, double hi = 1.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

}  // namespace

TEST(ForEach, VisitsEveryIndexOfOdd1dRangesOnce) {
  for (std::int64_t n : {1, 7, 255, 257, 1001, 100003}) {
    auto c = visits_1d(n);
    ASSERT_EQ(static_cast<std::int64_t>(c.size()), n);
    EXPECT_TRUE(std::all_of(c.begin(), c.end(), [](int v) { return v == 1; })) << "n = " << n;
  }
}

TEST(ForEach, EmptyRangesDoNothing) {
  EXPECT_TRUE(visits_1d(0).empty());
  EXPECT_TRUE(visits_3d(Range3(5, 0, 3)).empty());
  EXPECT_TRUE(visits_3d(Range3(2, 2, 2, 1, 5, 5)).empty());  // hi < lo
}

TEST(ForEach, VisitsEveryIndexOfOdd3dRangesOnce) {
  const Range3 ranges[] = {Range3(1, 1, 1), Range3(7, 5, 3), Range3(65, 3, 1), Range3(1, 1, 131),
                           Range3(-2, -3, -1, 31, 6, 4)};
  for (const auto& r : ranges) {
    auto c = visits_3d(r);
    ASSERT_EQ(static_cast<std::int64_t>(c.size()), r.size());
    EXPECT_TRUE(std::all_of(c.begin(), c.end(), [](int v) { return v == 1; }));
    auto ids = flat_ids_3d(r);
    for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], static_cast<std::int64_t>(i));
  }
}

// The FMA policy (README, "Floating point"): host code is never contracted
// (ISO C++, -ffp-contract=off); device code may contract a*x + y into one
// fused multiply-add (nvcc's default). So each element is exactly one of the
// two roundings, never anything else.
TEST(ForEach, AxpyMatchesHostArithmetic) {
  const std::size_t n = 4099;
  auto xs = random_doubles(n, 1), ys = random_doubles(n, 2);
  Buffer<double> x(test_device(), n), y(test_device(), n);
  x.copy_from_host(xs);
  y.copy_from_host(ys);
  axpy(0.75, x, y);
  auto out = y.to_host();
  std::size_t differ = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double separate = ys[i] + 0.75 * xs[i], fused = std::fma(0.75, xs[i], ys[i]);
    differ += separate != fused;
    if (test_device().is_host())
      ASSERT_EQ(out[i], separate) << "host code must not be contracted (i = " << i << ")";
    else
      ASSERT_TRUE(out[i] == separate || out[i] == fused) << "i = " << i;
  }
  EXPECT_GT(differ, 0u) << "the data must tell the two roundings apart somewhere";
}

TEST(ForEach, ThreeDimensionalRangeLongerThanTheGridLimitAlongY) {
  // 65535 blocks of 4 threads along y: 262140 rows; this range has more.
  const Range3 r(1, 300001, 2);
  auto ids = flat_ids_3d(r);
  ASSERT_EQ(static_cast<std::int64_t>(ids.size()), r.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], static_cast<std::int64_t>(i));
}

TEST(ForEach, IndexRangeUpToIntMaxDoesNotWrap) {
  const std::int64_t n = std::numeric_limits<int>::max();
  auto f = edge_visits(n);
  EXPECT_EQ(f[0], 0) << "an index outside [0, n) reached the body";
  EXPECT_EQ(f[1], 1) << "index n - 1 was never visited";
  EXPECT_EQ(count_odd_indices(n), n / 2);
  EXPECT_THROW(edge_visits(n + 1), Error);
}

// Two Device handles on one GPU have two streams: a copy between their
// buffers must wait for the source's stream, not only the destination's.
TEST(Buffer, CopyBetweenStreamsOfOneGpuWaitsForTheSource) {
  if (!test_device().is_cuda()) GTEST_SKIP() << "needs two CUDA streams (runs on the GPU machine)";
  Device a = Device::cuda(test_device().gpu()), b = Device::cuda(test_device().gpu());
  const std::size_t n = 1 << 16;
  Buffer<double> src(a, n), dst(b, n);
  fill(src, -1.0);
  fill(dst, -2.0);
  a.synchronize();
  b.synchronize();
  slow_fill(a, src, 3.0);
  dst.copy_from(src);
  auto out = dst.to_host();
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](double v) { return v == 3.0; }));
}

TEST(Reduce, ExactOnIntegers) {
  for (std::int64_t n : {1, 2, 2047, 2048, 2049, 100001, 1 << 20}) {
    EXPECT_EQ(sum_of_indices(n), n * (n - 1) / 2) << "n = " << n;
    EXPECT_EQ(min_of_shifted(n, n / 2), -7) << "n = " << n;
    EXPECT_EQ(max_of_shifted(n, n - 1), std::int64_t{1} << 40) << "n = " << n;
  }
}

TEST(Reduce, EmptyRangeGivesIdentity) {
  EXPECT_EQ(sum_of_indices(0), 0);
  EXPECT_EQ(min_of_shifted(0, 0), std::numeric_limits<std::int64_t>::max());
}

TEST(Reduce, CorrectOnDoubles) {
  const std::size_t n = 300007;
  auto v = random_doubles(n, 3);
  // A reference in long double bounds the rounding of any summation order.
  long double ref = 0;
  for (double x : v) ref += x;
  Buffer<double> b(test_device(), n);
  b.copy_from_host(v);
  const double s = sum_of_buffer(b);
  EXPECT_NEAR(s, static_cast<double>(ref), 1e-12 * n);
  EXPECT_EQ(min_of_buffer(b), *std::min_element(v.begin(), v.end()));
  // Same input, same result: reductions are deterministic.
  EXPECT_EQ(sum_of_buffer(b), s);
}

TEST(Reduce, MinPropagatesNaN) {
  auto v = random_doubles(5000, 4);
  v[4321] = std::numeric_limits<double>::quiet_NaN();
  Buffer<double> b(test_device(), v.size());
  b.copy_from_host(v);
  EXPECT_TRUE(std::isnan(min_of_buffer(b)));
}

TEST(Reduce, ThreeDimensionalRanges) {
  const Range3 r(-1, 2, 0, 6, 5, 4);
  double expect = 0;
  int maxv = std::numeric_limits<int>::min();
  for (int k = r.lo[2]; k < r.hi[2]; ++k)
    for (int j = r.lo[1]; j < r.hi[1]; ++j)
      for (int i = r.lo[0]; i < r.hi[0]; ++i) {
        expect += 1.0 * i + 10.0 * j + 100.0 * k;
        maxv = std::max(maxv, i * j * k);
      }
  EXPECT_DOUBLE_EQ(sum_3d_weighted(r), expect);
  EXPECT_EQ(max_3d_index(r), maxv);
}

TEST(Buffer, MoveTransfersOwnership) {
  Buffer<double> a(test_device(), 10);
  const double* p = a.data();
  Buffer<double> b(std::move(a));
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(b.size(), 10u);
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(a.size(), 0u);
  Buffer<double> c;
  c = std::move(b);
  EXPECT_EQ(c.data(), p);
  EXPECT_TRUE(b.empty());
}

TEST(Buffer, CopiesRoundTripBetweenDevices) {
  auto v = random_doubles(1237, 5);
  Buffer<double> dev(test_device(), v.size());
  dev.copy_from_host(v);
  EXPECT_EQ(dev.to_host(), v);
  Buffer<double> host = dev.clone_to(Device::host());
  EXPECT_EQ(host.to_host(), v);
  Buffer<double> back(test_device(), v.size());
  back.copy_from(host);
  EXPECT_EQ(back.to_host(), v);
  EXPECT_EQ(back.clone().to_host(), v);
}

TEST(Buffer, SizeMismatchThrows) {
  Buffer<int> a(test_device(), 4);
  std::vector<int> three = {1, 2, 3};
  EXPECT_THROW(a.copy_from_host(three), Error);
}

TEST(Scan, ExclusiveSumOfCounts) {
  for (std::size_t n : {1ul, 5ul, 4096ul, 100003ul}) {
    std::vector<std::int64_t> counts(n);
    std::mt19937 rng(7);
    for (auto& c : counts) c = rng() % 17;
    Buffer<std::int64_t> in(test_device(), n), out(test_device(), n);
    in.copy_from_host(counts);
    const std::int64_t total = exclusive_scan(in, out);
    auto o = out.to_host();
    std::int64_t running = 0;
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(o[i], running) << "i = " << i;
      running += counts[i];
    }
    EXPECT_EQ(total, running);
  }
}

TEST(Scan, InPlace) {
  std::vector<std::int32_t> v = {3, 1, 4, 1, 5, 9, 2, 6};
  Buffer<std::int32_t> b(test_device(), v.size());
  b.copy_from_host(v);
  EXPECT_EQ(exclusive_scan(b, b), 31);
  EXPECT_EQ(b.to_host(), (std::vector<std::int32_t>{0, 3, 4, 8, 9, 14, 23, 25}));
}

TEST(Sort, PairsAreSortedAndStable) {
  const std::size_t n = 50001;
  std::vector<std::uint32_t> keys(n);
  std::mt19937 rng(11);
  for (auto& k : keys) k = rng() % 97;  // many equal keys: stability matters
  std::vector<std::int32_t> values(n);
  std::iota(values.begin(), values.end(), 0);
  Buffer<std::uint32_t> kb(test_device(), n);
  Buffer<std::int32_t> vb(test_device(), n);
  kb.copy_from_host(keys);
  vb.copy_from_host(values);
  sort_pairs(kb, vb);
  auto ks = kb.to_host();
  auto vs = vb.to_host();
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(ks[i], keys[static_cast<std::size_t>(vs[i])]) << "value does not follow its key";
    if (i > 0) {
      ASSERT_LE(ks[i - 1], ks[i]);
      if (ks[i - 1] == ks[i]) {
        ASSERT_LT(vs[i - 1], vs[i]) << "equal keys changed order";
      }
    }
  }
}

TEST(Sort, SignedAndWideKeys) {
  std::vector<std::int64_t> keys = {5, -3, 1ll << 40, 0, -(1ll << 35), 5};
  std::vector<std::int32_t> values = {0, 1, 2, 3, 4, 5};
  Buffer<std::int64_t> kb(test_device(), keys.size());
  Buffer<std::int32_t> vb(test_device(), keys.size());
  kb.copy_from_host(keys);
  vb.copy_from_host(values);
  sort_pairs(kb, vb);
  EXPECT_EQ(kb.to_host(), (std::vector<std::int64_t>{-(1ll << 35), -3, 0, 5, 5, 1ll << 40}));
  EXPECT_EQ(vb.to_host(), (std::vector<std::int32_t>{4, 1, 3, 0, 5, 2}));
}
