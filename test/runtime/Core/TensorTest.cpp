//===- TensorTest.cpp - host tensors
//---------------------------------------===//

#include "runtime/Core/Tensor.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

using namespace sieve::runtime;

TEST(TensorTest, ZeroFilledAndAligned) {
  Tensor t(DType::F32, {3, 5});
  EXPECT_EQ(t.numel(), 15);
  EXPECT_EQ(t.bytes(), 60u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw()) % 64, 0u);
  for (int64_t i = 0; i < t.numel(); ++i)
    EXPECT_EQ(t.data<float>()[i], 0.0f);
  EXPECT_EQ(t.describe(), "f32[3x5]");
}

TEST(TensorTest, TypedAccessIsChecked) {
  Tensor t(DType::I32, {4});
  EXPECT_NO_THROW(t.data<int32_t>());
  EXPECT_THROW(t.data<float>(), Error);
}

TEST(TensorTest, BadShapesAndValueCountsAreErrors) {
  EXPECT_THROW(Tensor(DType::F32, {2, -1}), Error);
  EXPECT_THROW(Tensor::fromF32({2, 2}, {1, 2, 3}), Error);
  Tensor empty(DType::F32, {0, 8});
  EXPECT_EQ(empty.numel(), 0);
  EXPECT_NE(empty.raw(), nullptr);
}

TEST(TensorTest, DTypeNamesRoundTrip) {
  for (DType dtype :
       {DType::F32, DType::F16, DType::BF16, DType::I32, DType::I1, DType::I64})
    EXPECT_EQ(parseDType(name(dtype)), dtype);
  EXPECT_FALSE(parseDType("f64"));
}

TEST(TensorTest, FloatConversionsRoundToNearestEven) {
  // 1 + 2^-8 is a tie between bf16 neighbours 1 and 1 + 2^-7: even wins;
  // 1 + 3 * 2^-8 rounds up. bf16 -> f32 is exact.
  Tensor f = Tensor::fromF32({3}, {1.0f + std::ldexp(1.0f, -8),
                                   1.0f + 3 * std::ldexp(1.0f, -8), -2.5f});
  Tensor b = f.convertedTo(DType::BF16);
  EXPECT_EQ(b.describe(), "bf16[3]");
  const uint16_t *bits = static_cast<const uint16_t *>(b.raw());
  EXPECT_EQ(bits[0], 0x3F80);
  EXPECT_EQ(bits[1], 0x3F82);
  Tensor back = b.convertedTo(DType::F32);
  EXPECT_EQ(back.data<float>()[0], 1.0f);
  EXPECT_EQ(back.data<float>()[1], 1.0f + std::ldexp(1.0f, -6));
  EXPECT_EQ(back.data<float>()[2], -2.5f);
  // Between the 16-bit types, through f32; f16 -> bf16 here is exact.
  EXPECT_EQ(b.convertedTo(DType::F16).convertedTo(DType::F32).data<float>()[2],
            -2.5f);
  EXPECT_EQ(f.convertedTo(DType::F32).data<float>()[1], f.data<float>()[1]);
}

TEST(TensorTest, OnlyFloatTensorsConvert) {
  Tensor ids(DType::I32, {2});
  EXPECT_THROW(ids.convertedTo(DType::F32), Error);
  EXPECT_THROW(Tensor(DType::F32, {2}).convertedTo(DType::I1), Error);
}
