//===- Matmul.h - the device program's GEMMs under a precision ------------===//
//
// GPU training's dense layers (projections, attention's products, the
// output layer) multiply through a Matmul. With f32 operands a GEMM reads
// the f32 activations and master weights as they are. Under bf16 mixed
// precision both operands are bf16, the sums and the results f32: what
// autocast does to a matmul's inputs, without rounding its output. An
// operand still in f32 is rounded into a scratch copy for that one GEMM
// (weights: cheap, and always the current master values); activations
// that several GEMMs read are rounded once with `prepare` and kept.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_DEVICE_MATMUL_H
#define SIEVE_MODELS_LM_DEVICE_MATMUL_H

#include "models/lm/Device/DenseOps.h"

namespace sieve::lm::device {

/// A GEMM operand's values: f32, or already of the Matmul's operand type.
struct GemmValues {
  Address address = 0;
  runtime::DType dtype = runtime::DType::F32;

  /// The values from element `elements` on.
  GemmValues at(int64_t elements) const {
    return {address + elements * static_cast<int64_t>(runtime::byteSize(dtype)),
            dtype};
  }
};

/// f32 values as a GEMM operand.
inline GemmValues f32Values(Address address) {
  return {address, runtime::DType::F32};
}

/// Values in the operand type, for several GEMMs; `storage` holds them
/// (null where they are the caller's f32 values).
struct PreparedValues {
  std::unique_ptr<Buffer> storage;
  GemmValues values;
};

class Matmul {
public:
  /// `operands`: f32 or bf16; anything else throws runtime::Error.
  Matmul(DenseOps &ops, runtime::DType operands);

  DenseOps &ops() const { return ops_; }
  runtime::DType operandType() const { return operands_; }

  /// The `count` f32 values at `values` as operands: a rounded copy, or
  /// the values themselves when the operands are f32.
  PreparedValues prepare(Address values, int64_t count) const;
  /// An f32 buffer that only GEMMs read from now on, as operands: rounded
  /// (and the f32 buffer released), or the buffer itself.
  PreparedValues keep(std::unique_ptr<Buffer> f32Buffer) const;

  /// C (f32) = op(A) op(B) + beta C with f32 sums; A and B not yet of the
  /// operand type are rounded (the span the GEMM reads) for this call.
  void operator()(const RowMajorGemm &gemm, GemmValues a, GemmValues b,
                  Address c, float beta) const;

private:
  DenseOps &ops_;
  runtime::DType operands_;
};

/// How many elements from its first a GEMM operand spans: `rows` x `columns`
/// stored with row length `ld` (0: dense), `batch` of them `stride` apart.
int64_t operandSpan(int64_t rows, int64_t columns, int64_t ld, int64_t batch,
                    int64_t stride);

} // namespace sieve::lm::device

#endif // SIEVE_MODELS_LM_DEVICE_MATMUL_H
