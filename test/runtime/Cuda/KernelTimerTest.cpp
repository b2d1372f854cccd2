//===- KernelTimerTest.cpp - the tuner's statistic ------------------------===//
//
// The timer itself needs a GPU (test/gpu); the median it reports does not.
//
//===----------------------------------------------------------------------===//

#include "runtime/Cuda/KernelTimer.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

namespace {

TEST(KernelTimerTest, MedianIsTheMiddleOfTheSortedTimes) {
  EXPECT_EQ(median({3.0}), 3.0);
  EXPECT_EQ(median({5.0, 1.0, 3.0}), 3.0);
  // An even count: the mean of the middle two; one slow outlier (a
  // context switch, a clock change) does not move it.
  EXPECT_EQ(median({4.0, 1.0, 100.0, 2.0}), 3.0);
  EXPECT_EQ(median({1.0, 1.0, 1.0, 1.0, 50.0}), 1.0);
  EXPECT_THROW(median({}), Error);
}

} // namespace
