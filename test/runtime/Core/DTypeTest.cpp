//===- DTypeTest.cpp - 16-bit float conversions ---------------------------===//
//
// toHalfBits / fromHalfBits against known encodings, exact round trips of
// every 16-bit pattern, and, for f16, the compiler's own _Float16
// conversion (an independent implementation) over a sweep of floats.
//
//===----------------------------------------------------------------------===//

#include "runtime/Core/DType.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace sieve::runtime;

TEST(DTypeTest, KnownEncodings) {
  EXPECT_EQ(toHalfBits(1.0f, DType::BF16), 0x3F80);
  EXPECT_EQ(toHalfBits(-2.0f, DType::BF16), 0xC000);
  EXPECT_EQ(toHalfBits(0.1f, DType::BF16), 0x3DCD);
  EXPECT_EQ(toHalfBits(1.0f, DType::F16), 0x3C00);
  EXPECT_EQ(toHalfBits(65504.0f, DType::F16), 0x7BFF);
  EXPECT_EQ(toHalfBits(65536.0f, DType::F16), 0x7C00);
  EXPECT_EQ(toHalfBits(0.1f, DType::F16), 0x2E66);
  EXPECT_EQ(toHalfBits(std::ldexp(1.0f, -24), DType::F16), 0x0001);
  // Ties go to even: 1 + 2^-8 is halfway between two bf16 values.
  EXPECT_EQ(toHalfBits(1.0f + std::ldexp(1.0f, -8), DType::BF16), 0x3F80);
  EXPECT_EQ(toHalfBits(1.0f + 3 * std::ldexp(1.0f, -8), DType::BF16), 0x3F82);
  EXPECT_TRUE(
      std::isnan(fromHalfBits(toHalfBits(NAN, DType::BF16), DType::BF16)));
  EXPECT_TRUE(
      std::isnan(fromHalfBits(toHalfBits(NAN, DType::F16), DType::F16)));
  EXPECT_EQ(fromHalfBits(0x3DCD, DType::BF16), 0.10009765625f);
}

TEST(DTypeTest, EveryPatternRoundTrips) {
  for (DType dtype : {DType::F16, DType::BF16})
    for (uint32_t bits = 0; bits < 0x10000; ++bits) {
      float value = fromHalfBits(static_cast<uint16_t>(bits), dtype);
      if (std::isnan(value))
        continue;
      ASSERT_EQ(toHalfBits(value, dtype), bits)
          << name(dtype) << " pattern " << bits;
    }
}

#if defined(__FLT16_MAX__)
TEST(DTypeTest, F16MatchesTheCompilersConversion) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> exponent(-30.0f, 17.0f);
  for (int i = 0; i < 200000; ++i) {
    float value = std::exp2(exponent(rng)) * (i % 2 ? -1.0f : 1.0f);
    _Float16 reference = static_cast<_Float16>(value);
    uint16_t bits;
    std::memcpy(&bits, &reference, sizeof bits);
    ASSERT_EQ(toHalfBits(value, DType::F16), bits) << value;
  }
}
#endif
