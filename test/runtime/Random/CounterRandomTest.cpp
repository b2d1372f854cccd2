//===- CounterRandomTest.cpp - the counter-based Bernoulli mask -----------===//

#include "runtime/Random/CounterRandom.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace sieve::runtime;

TEST(CounterRandomTest, SameInputsSameBits) {
  EXPECT_EQ(counterBits(42, 0, 7), counterBits(42, 0, 7));
  EXPECT_EQ(bernoulliMask(9, 1, 1000, 0.5), bernoulliMask(9, 1, 1000, 0.5));
}

TEST(CounterRandomTest, ElementsDoNotDependOnOrderOrTiling) {
  // A tile starting at element 600 equals that slice of the whole mask, as a
  // kernel tiled in any order must reproduce it.
  std::vector<bool> whole = bernoulliMask(123, 4, 1000, 0.7);
  std::vector<bool> tile = bernoulliMask(123, 4, 100, 0.7, /*first=*/600);
  EXPECT_EQ(tile, std::vector<bool>(whole.begin() + 600, whole.begin() + 700));
  for (uint64_t i : {999u, 0u, 512u})
    EXPECT_EQ(whole[i], bernoulliKeep(123, 4, i, 0.7));
}

TEST(CounterRandomTest, SeedsAndStreamsGiveDifferentMasks) {
  std::vector<bool> base = bernoulliMask(1, 0, 4096, 0.5);
  EXPECT_NE(base, bernoulliMask(2, 0, 4096, 0.5));
  EXPECT_NE(base, bernoulliMask(1, 1, 4096, 0.5));
}

TEST(CounterRandomTest, ProbabilityBoundsAreExact) {
  EXPECT_EQ(keepThreshold(0.0), 0u);
  EXPECT_EQ(keepThreshold(1.0), 1u << 24);
  EXPECT_EQ(keepThreshold(0.5), 1u << 23);
  EXPECT_EQ(keepThreshold(-0.1), 0u);
  EXPECT_EQ(keepThreshold(2.0), 1u << 24);
  EXPECT_EQ(keepThreshold(std::nan("")), 0u);
  for (bool kept : bernoulliMask(5, 0, 10000, 0.0))
    EXPECT_FALSE(kept);
  for (bool kept : bernoulliMask(5, 0, 10000, 1.0))
    EXPECT_TRUE(kept);
}

TEST(CounterRandomTest, KeepRateMatchesTheProbability) {
  // Expert dropout δ = 0.05 (Tab. 9): keep with p = 0.95. Over n draws the
  // kept count is within 5 standard deviations of n p.
  for (double p : {0.95, 0.8, 0.5, 0.05}) {
    const size_t n = 1 << 20;
    std::vector<bool> mask = bernoulliMask(2023, 3, n, p);
    double kept = 0;
    for (bool bit : mask)
      kept += bit;
    double sigma = std::sqrt(n * p * (1 - p));
    EXPECT_LT(std::abs(kept - n * p), 5 * sigma) << "p = " << p;
  }
}

TEST(CounterRandomTest, ConsecutiveBitsAreUncorrelated) {
  // Lag-1 agreement of a p = 0.5 mask is 1/2 within 5 sigma.
  const size_t n = 1 << 20;
  std::vector<bool> mask = bernoulliMask(77, 0, n, 0.5);
  double same = 0;
  for (size_t i = 1; i < n; ++i)
    same += mask[i] == mask[i - 1];
  EXPECT_LT(std::abs(same - (n - 1) / 2.0), 5 * std::sqrt((n - 1) / 4.0));
}
