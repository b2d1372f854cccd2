//===- MatmulTest.cpp - the device program's GEMMs under a precision ------===//
//
// device::Matmul on the host backend. With bf16 operands a GEMM must be
// exactly the f32 GEMM of the operands rounded to bf16 by hand (the host
// backend sums both the same way), for strided-batched, transposed and
// offset operands with row lengths of their own, accumulating into C; the
// f32 values it read stay as they were; prepared and kept operands give
// the same products. Bad operand types are errors.
//
//===----------------------------------------------------------------------===//

#include "models/lm/Device/Matmul.h"
#include "models/lm/Device/HostDenseOps.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

#include <random>

using namespace sieve;
using namespace sieve::lm;
using device::Address;
using runtime::DType;

namespace {

Address addressOf(const void *data) { return reinterpret_cast<Address>(data); }

std::vector<float> randomValues(int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = normal(rng);
  return v;
}

std::vector<float> roundedToBf16(std::vector<float> v) {
  for (float &x : v)
    x = runtime::fromHalfBits(runtime::toHalfBits(x, DType::BF16), DType::BF16);
  return v;
}

/// Two products of 5 x 3 over 4: A transposed (stored 4 x 5, rows 7
/// apart, products 30 apart, read from element 2 on), B dense (4 x 3,
/// products 12 apart), C with rows 4 apart.
device::RowMajorGemm stridedGemm() {
  device::RowMajorGemm g;
  g.m = 5;
  g.n = 3;
  g.k = 4;
  g.transposeA = true;
  g.lda = 7;
  g.ldc = 4;
  g.batch = 2;
  g.strideA = 30;
  g.strideB = 12;
  g.strideC = 20;
  return g;
}

} // namespace

TEST(MatmulTest, OperandSpanCoversRowsAndBatches) {
  EXPECT_EQ(device::operandSpan(4, 5, 7, 2, 30), 30 + 3 * 7 + 5);
  EXPECT_EQ(device::operandSpan(4, 3, 0, 2, 12), 24);
  EXPECT_EQ(device::operandSpan(3, 6, 0, 1, 0), 18);
  // A batch reading one operand (stride 0) spans it once.
  EXPECT_EQ(device::operandSpan(3, 6, 0, 4, 0), 18);
}

TEST(MatmulTest, Bf16OperandsAreTheF32GemmOfRoundedOperands) {
  device::HostDenseOps ops;
  const device::RowMajorGemm g = stridedGemm();
  const std::vector<float> a = randomValues(62, 1), b = randomValues(24, 2),
                           c0 = randomValues(40, 3);
  const std::vector<float> aBefore = a, bBefore = b;

  std::vector<float> actual = c0;
  device::Matmul bf16(ops, DType::BF16);
  bf16(g, device::f32Values(addressOf(a.data())).at(2),
       device::f32Values(addressOf(b.data())), addressOf(actual.data()), 1.0f);

  std::vector<float> ra = roundedToBf16(a), rb = roundedToBf16(b),
                     expected = c0;
  ops.gemm(g, DType::F32, DType::F32, addressOf(ra.data() + 2),
           addressOf(rb.data()), addressOf(expected.data()), 1.0f);
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(a, aBefore);
  EXPECT_EQ(b, bBefore);

  // Not the f32 GEMM: the rounding happened.
  std::vector<float> exact = c0;
  device::Matmul f32(ops, DType::F32);
  f32(g, device::f32Values(addressOf(a.data())).at(2),
      device::f32Values(addressOf(b.data())), addressOf(exact.data()), 1.0f);
  EXPECT_NE(exact, expected);
  std::vector<float> direct = c0;
  ops.gemm(g, DType::F32, DType::F32, addressOf(a.data() + 2),
           addressOf(b.data()), addressOf(direct.data()), 1.0f);
  EXPECT_EQ(exact, direct);
}

TEST(MatmulTest, PreparedAndKeptOperandsGiveTheSameProducts) {
  device::HostDenseOps ops;
  const device::RowMajorGemm g = stridedGemm();
  const std::vector<float> a = randomValues(62, 4), b = randomValues(24, 5);
  for (DType operands : {DType::F32, DType::BF16}) {
    device::Matmul matmul(ops, operands);
    std::vector<float> once(40, 0.0f), prepared(40, 0.0f);
    matmul(g, device::f32Values(addressOf(a.data())).at(2),
           device::f32Values(addressOf(b.data())), addressOf(once.data()),
           0.0f);

    device::PreparedValues pa = matmul.prepare(addressOf(a.data()), 62);
    std::unique_ptr<device::Buffer> bBuffer = ops.allocate(DType::F32, 24);
    ops.copyIn(bBuffer->address(), b.data(), b.size() * sizeof(float));
    device::PreparedValues kb = matmul.keep(std::move(bBuffer));
    EXPECT_EQ(pa.values.dtype, operands);
    EXPECT_EQ(kb.values.dtype, operands);
    EXPECT_EQ(pa.storage == nullptr, operands == DType::F32);
    matmul(g, pa.values.at(2), kb.values, addressOf(prepared.data()), 0.0f);
    EXPECT_EQ(prepared, once) << runtime::name(operands);
  }
}

TEST(MatmulTest, RefusesOtherOperandTypes) {
  device::HostDenseOps ops;
  EXPECT_THROW(device::Matmul(ops, DType::F16), runtime::Error);
  EXPECT_THROW(device::Matmul(ops, DType::I32), runtime::Error);
  // bf16 values cannot feed f32 GEMMs: rounding cannot be undone.
  device::Matmul f32(ops, DType::F32);
  std::vector<uint16_t> half(4, 0);
  std::vector<float> c(4, 0.0f);
  device::GemmValues bf16Values{addressOf(half.data()), DType::BF16};
  EXPECT_THROW(f32({2, 2, 2}, bf16Values, bf16Values, addressOf(c.data()), 0),
               runtime::Error);
}
