//===- TensorTest.cpp - host tensors
//---------------------------------------===//

#include "runtime/Core/Tensor.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

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
