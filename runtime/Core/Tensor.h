//===- Tensor.h - host tensors --------------------------------------------===//
//
// A dense, row-major host tensor with 64-byte aligned storage: what the
// runtime passes to compiled kernels (as memref descriptors) and what the
// model's layers work on.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CORE_TENSOR_H
#define SIEVE_RUNTIME_CORE_TENSOR_H

#include "runtime/Core/DType.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sieve::runtime {

class Tensor {
public:
  Tensor() = default;
  /// A zero-filled tensor. Sizes must be non-negative.
  Tensor(DType dtype, std::vector<int64_t> shape);

  static Tensor zeros(DType dtype, std::vector<int64_t> shape) {
    return Tensor(dtype, std::move(shape));
  }
  /// An f32 tensor holding `values`, whose count must match the shape.
  static Tensor fromF32(std::vector<int64_t> shape,
                        const std::vector<float> &values);
  /// An i32 tensor holding `values`.
  static Tensor fromI32(std::vector<int64_t> shape,
                        const std::vector<int32_t> &values);

  DType dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t index) const { return shape_.at(index); }
  int64_t numel() const;
  size_t bytes() const { return numel() * byteSize(dtype_); }

  void *raw() { return data_.get(); }
  const void *raw() const { return data_.get(); }
  /// Typed access; throws when T does not match the dtype.
  template <typename T> T *data();
  template <typename T> const T *data() const;

  /// "f32[8x512]".
  std::string describe() const;

  /// A copy with elements of `to`; between float types (f32, bf16, f16)
  /// only, rounding to nearest even when narrowing. Throws otherwise.
  Tensor convertedTo(DType to) const;

private:
  struct Free {
    void operator()(void *p) const;
  };
  void checkType(DType wanted) const;

  DType dtype_ = DType::F32;
  std::vector<int64_t> shape_;
  std::unique_ptr<void, Free> data_;
};

/// "8x512".
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_CORE_TENSOR_H
