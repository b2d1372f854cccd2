//===- Tensor.cpp - host tensors ------------------------------------------===//

#include "runtime/Core/Tensor.h"

#include "runtime/Core/Error.h"

#include <cstdlib>
#include <cstring>

using namespace sieve::runtime;

void Tensor::Free::operator()(void *p) const { std::free(p); }

Tensor::Tensor(DType dtype, std::vector<int64_t> shape)
    : dtype_(dtype), shape_(std::move(shape)) {
  for (int64_t size : shape_)
    if (size < 0)
      throw Error("tensor sizes must be non-negative, got " +
                  formatShape(shape_));
  // Round up so aligned_alloc gets a multiple of the alignment; keep at
  // least one block so that data pointers are never null.
  size_t bytes = this->bytes();
  size_t padded = ((bytes + 63) / 64) * 64;
  if (padded == 0)
    padded = 64;
  void *memory = std::aligned_alloc(64, padded);
  if (!memory)
    throw Error("out of memory allocating " + describe());
  std::memset(memory, 0, padded);
  data_.reset(memory);
}

Tensor Tensor::fromF32(std::vector<int64_t> shape,
                       const std::vector<float> &values) {
  Tensor tensor(DType::F32, std::move(shape));
  if (static_cast<int64_t>(values.size()) != tensor.numel())
    throw Error("fromF32: " + std::to_string(values.size()) +
                " values for a tensor of shape " + formatShape(tensor.shape()));
  std::memcpy(tensor.raw(), values.data(), values.size() * sizeof(float));
  return tensor;
}

Tensor Tensor::fromI32(std::vector<int64_t> shape,
                       const std::vector<int32_t> &values) {
  Tensor tensor(DType::I32, std::move(shape));
  if (static_cast<int64_t>(values.size()) != tensor.numel())
    throw Error("fromI32: " + std::to_string(values.size()) +
                " values for a tensor of shape " + formatShape(tensor.shape()));
  std::memcpy(tensor.raw(), values.data(), values.size() * sizeof(int32_t));
  return tensor;
}

int64_t Tensor::numel() const {
  int64_t count = 1;
  for (int64_t size : shape_)
    count *= size;
  return count;
}

void Tensor::checkType(DType wanted) const {
  if (dtype_ != wanted)
    throw Error(std::string("tensor ") + describe() + " accessed as " +
                name(wanted));
}

template <typename T> static DType dtypeOf();
template <> DType dtypeOf<float>() { return DType::F32; }
template <> DType dtypeOf<int32_t>() { return DType::I32; }
template <> DType dtypeOf<uint8_t>() { return DType::I1; }
template <> DType dtypeOf<int64_t>() { return DType::I64; }

template <typename T> T *Tensor::data() {
  checkType(dtypeOf<T>());
  return static_cast<T *>(data_.get());
}
template <typename T> const T *Tensor::data() const {
  checkType(dtypeOf<T>());
  return static_cast<const T *>(data_.get());
}
template float *Tensor::data<float>();
template const float *Tensor::data<float>() const;
template int32_t *Tensor::data<int32_t>();
template const int32_t *Tensor::data<int32_t>() const;
template uint8_t *Tensor::data<uint8_t>();
template const uint8_t *Tensor::data<uint8_t>() const;
template int64_t *Tensor::data<int64_t>();
template const int64_t *Tensor::data<int64_t>() const;

std::string Tensor::describe() const {
  return std::string(name(dtype_)) + "[" + formatShape(shape_) + "]";
}

namespace {
bool isFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::BF16 || dtype == DType::F16;
}
} // namespace

Tensor Tensor::convertedTo(DType to) const {
  if (!isFloat(dtype_) || !isFloat(to))
    throw Error("cannot convert tensor " + describe() + " to " + name(to) +
                ": only float tensors convert");
  Tensor out(to, shape_);
  const int64_t n = numel();
  if (to == dtype_) {
    std::memcpy(out.raw(), raw(), bytes());
  } else if (dtype_ == DType::F32) {
    const float *from = static_cast<const float *>(raw());
    uint16_t *into = static_cast<uint16_t *>(out.raw());
    for (int64_t i = 0; i < n; ++i)
      into[i] = toHalfBits(from[i], to);
  } else {
    // Through f32, which holds every bf16 and f16 value exactly.
    const uint16_t *from = static_cast<const uint16_t *>(raw());
    if (to == DType::F32) {
      float *into = static_cast<float *>(out.raw());
      for (int64_t i = 0; i < n; ++i)
        into[i] = fromHalfBits(from[i], dtype_);
    } else {
      uint16_t *into = static_cast<uint16_t *>(out.raw());
      for (int64_t i = 0; i < n; ++i)
        into[i] = toHalfBits(fromHalfBits(from[i], dtype_), to);
    }
  }
  return out;
}

std::string sieve::runtime::formatShape(const std::vector<int64_t> &shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "x" : "") + std::to_string(shape[i]);
  return text.empty() ? "scalar" : text;
}
