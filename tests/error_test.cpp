// Error reporting and region timers: the strings users read in batch logs.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/timers.hpp"

using namespace tessera;

namespace {
void failing_check(int n) { TESSERA_REQUIRE(n > 0, "n must be positive"); }
}  // namespace

TEST(Error, RequireNamesConditionAndSourceLine) {
  try {
    failing_check(-1);
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "n must be positive");
    EXPECT_EQ(e.call(), "n > 0");
    EXPECT_EQ(e.where().rfind("tests/error_test.cpp:", 0), 0u) << e.where();
    EXPECT_EQ(e.describe(), "n must be positive [n > 0 at " + e.where() + "]");
  }
}

TEST(Error, DescribeCarriesTheRank) {
  set_error_rank(3);
  Error e("cudaMalloc failed: out of memory", "cudaMalloc(&p, n)", "runtime/memory.cpp:41");
  set_error_rank(-1);
  EXPECT_EQ(e.rank(), 3);
  EXPECT_EQ(e.describe(), "rank 3: cudaMalloc failed: out of memory [cudaMalloc(&p, n) at runtime/memory.cpp:41]");
  EXPECT_EQ(Error("plain").describe(), "plain");
}

TEST(Error, InputErrorKeepsEveryProblem) {
  InputError e(std::vector<std::string>{"first", "second"});
  ASSERT_EQ(e.problems().size(), 2u);
  EXPECT_EQ(e.problems()[1], "second");
  EXPECT_STREQ(e.what(), "first\nsecond");
}

TEST(Format, DurationsAndPrintf) {
  EXPECT_EQ(strfmt("%d-%s-%.2f", 7, "x", 0.125), "7-x-0.12");
  EXPECT_EQ(format_duration(0), "00:00");
  EXPECT_EQ(format_duration(125.4), "02:05");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-1), "--:--");
}

TEST(Timers, ScopesAccumulatePerRegion) {
  Timers t;
  for (int i = 0; i < 3; ++i) {
    auto s = t.scope("work");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  { auto s = t.scope("io"); }
  ASSERT_EQ(t.regions().size(), 2u);
  EXPECT_EQ(t.regions()[0].name, "work");
  EXPECT_EQ(t.regions()[0].calls, 3);
  EXPECT_GE(t.seconds("work"), 0.006);
  EXPECT_EQ(t.regions()[1].calls, 1);
  EXPECT_EQ(t.seconds("absent"), 0.0);
  const std::string report = t.report(1.0);
  EXPECT_NE(report.find("work"), std::string::npos);
  EXPECT_NE(report.find("ms/call"), std::string::npos);
}
