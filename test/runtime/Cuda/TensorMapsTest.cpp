//===- TensorMapsTest.cpp - the TMA tensor maps' arguments, without a GPU -===//
//
// What the runtime hands cuTensorMapEncodeTiled for a weight an sm_90a
// kernel reads by TMA, and the weights it refuses, with the reason.
//
//===----------------------------------------------------------------------===//

#include "runtime/Cuda/TensorMaps.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

#include <string>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

namespace {

std::string refusal(const void *aligned, int64_t offset, const int64_t sizes[3],
                    const int64_t strides[3], int64_t boxRows,
                    int dataType = kTensorMapDataTypeBFloat16) {
  try {
    weightTensorMapArguments(dataType, aligned, offset, sizes, strides,
                             boxRows);
  } catch (const Error &error) {
    return error.what();
  }
  return "";
}

alignas(64) uint16_t storage[4096];

} // namespace

// A (N_E=16, in=512, out=128) weight with an offset of one expert: sizes
// and byte strides innermost first, the address past the offset, a box of
// 64 columns by the asked rows of one expert.
TEST(TensorMapsTest, ArgumentsAreInnermostFirstInBytes) {
  const int64_t sizes[3] = {16, 512, 128}, strides[3] = {512 * 128, 128, 1};
  TensorMapArguments a = weightTensorMapArguments(
      kTensorMapDataTypeBFloat16, storage, 512 * 128, sizes, strides, 64);
  EXPECT_EQ(a.dataType, kTensorMapDataTypeBFloat16);
  EXPECT_EQ(a.address, reinterpret_cast<uintptr_t>(storage) + 2 * 512 * 128);
  EXPECT_EQ(a.sizes, (std::array<uint64_t, 3>{128, 512, 16}));
  EXPECT_EQ(a.strides, (std::array<uint64_t, 2>{256, 2 * 512 * 128}));
  EXPECT_EQ(a.box, (std::array<uint32_t, 3>{64, 64, 1}));
  TensorMapArguments transposed = weightTensorMapArguments(
      kTensorMapDataTypeFloat16, storage, 0, sizes, strides, 128);
  EXPECT_EQ(transposed.box, (std::array<uint32_t, 3>{64, 128, 1}));
  EXPECT_EQ(transposed.dataType, kTensorMapDataTypeFloat16);
}

// Maps are cached by their arguments: another weight or box is another map.
TEST(TensorMapsTest, ArgumentsOrderDistinguishesWeights) {
  const int64_t sizes[3] = {2, 64, 64}, strides[3] = {4096, 64, 1};
  TensorMapArguments a = weightTensorMapArguments(
      kTensorMapDataTypeBFloat16, storage, 0, sizes, strides, 64);
  TensorMapArguments b = weightTensorMapArguments(
      kTensorMapDataTypeBFloat16, storage, 8, sizes, strides, 64);
  TensorMapArguments c = weightTensorMapArguments(
      kTensorMapDataTypeBFloat16, storage, 0, sizes, strides, 128);
  EXPECT_FALSE(a < a);
  EXPECT_TRUE(a < b || b < a);
  EXPECT_TRUE(a < c || c < a);
}

TEST(TensorMapsTest, WeightsTmaCannotReadAreRefusedWithTheReason) {
  const int64_t sizes[3] = {2, 64, 64}, strides[3] = {4096, 64, 1};
  EXPECT_EQ(refusal(storage, 0, sizes, strides, 64), "");
  EXPECT_NE(refusal(storage, 3, sizes, strides, 64).find("16-byte aligned"),
            std::string::npos);
  const int64_t strided[3] = {8192, 128, 2};
  EXPECT_NE(refusal(storage, 0, sizes, strided, 64).find("contiguous"),
            std::string::npos);
  const int64_t odd[3] = {2, 64, 60}, oddStrides[3] = {3840, 60, 1};
  EXPECT_NE(refusal(storage, 0, odd, oddStrides, 64).find("16 bytes apart"),
            std::string::npos);
  EXPECT_NE(refusal(storage, 0, sizes, strides, 512).find("1 to 256 rows"),
            std::string::npos);
  const int64_t empty[3] = {0, 64, 64};
  EXPECT_NE(refusal(storage, 0, empty, strides, 64).find("[1, 2^32)"),
            std::string::npos);
  std::string wrongType = refusal(storage, 0, sizes, strides, 64, 7);
  EXPECT_NE(wrongType.find("bf16 or f16"), std::string::npos);
  EXPECT_NE(wrongType.find("[2 x 64 x 64]"), std::string::npos);
}
