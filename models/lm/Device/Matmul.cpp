//===- Matmul.cpp - the device program's GEMMs under a precision ----------===//

#include "models/lm/Device/Matmul.h"

#include "runtime/Core/Error.h"

using namespace sieve;
using namespace sieve::lm::device;
using runtime::DType;

int64_t sieve::lm::device::operandSpan(int64_t rows, int64_t columns,
                                       int64_t ld, int64_t batch,
                                       int64_t stride) {
  const int64_t rowLength = ld ? ld : columns;
  return (batch - 1) * stride + (rows - 1) * rowLength + columns;
}

Matmul::Matmul(DenseOps &ops, DType operands) : ops_(ops), operands_(operands) {
  if (operands != DType::F32 && operands != DType::BF16)
    throw runtime::Error("the dense GEMMs' operands are f32 or bf16, not " +
                         std::string(runtime::name(operands)));
}

PreparedValues Matmul::prepare(Address values, int64_t count) const {
  if (operands_ == DType::F32)
    return {nullptr, f32Values(values)};
  PreparedValues prepared;
  prepared.storage = ops_.allocate(operands_, count);
  ops_.toBf16(prepared.storage->address(), values, count);
  prepared.values = {prepared.storage->address(), operands_};
  return prepared;
}

PreparedValues Matmul::keep(std::unique_ptr<Buffer> f32Buffer) const {
  if (f32Buffer->dtype() != DType::F32)
    throw runtime::Error("Matmul::keep takes an f32 buffer");
  if (operands_ == DType::F32) {
    GemmValues values = f32Values(f32Buffer->address());
    return {std::move(f32Buffer), values};
  }
  return prepare(f32Buffer->address(), f32Buffer->count());
}

void Matmul::operator()(const RowMajorGemm &g, GemmValues a, GemmValues b,
                        Address c, float beta) const {
  std::unique_ptr<Buffer> roundedA, roundedB;
  auto operand = [&](GemmValues values, int64_t rows, int64_t columns,
                     int64_t ld, int64_t stride,
                     std::unique_ptr<Buffer> &rounded) -> Address {
    if (values.dtype == operands_)
      return values.address;
    if (values.dtype != DType::F32)
      throw runtime::Error(
          std::string("a GEMM operand of type ") + runtime::name(values.dtype) +
          " where the dense GEMMs take " + runtime::name(operands_));
    int64_t span = operandSpan(rows, columns, ld, g.batch, stride);
    rounded = ops_.allocate(operands_, span);
    ops_.toBf16(rounded->address(), values.address, span);
    return rounded->address();
  };
  // Stored shapes: op(A) is m x k, op(B) is k x n.
  Address first = operand(a, g.transposeA ? g.k : g.m, g.transposeA ? g.m : g.k,
                          g.lda, g.strideA, roundedA);
  Address second =
      operand(b, g.transposeB ? g.n : g.k, g.transposeB ? g.k : g.n, g.ldb,
              g.strideB, roundedB);
  ops_.gemm(g, operands_, DType::F32, first, second, c, beta);
}
