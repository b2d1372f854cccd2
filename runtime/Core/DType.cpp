//===- DType.cpp - element types of runtime tensors -----------------------===//

#include "runtime/Core/DType.h"

#include <cmath>
#include <cstring>

using namespace sieve::runtime;

size_t sieve::runtime::byteSize(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I1:
    return 1;
  case DType::I64:
    return 8;
  }
  return 0;
}

const char *sieve::runtime::name(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::I32:
    return "i32";
  case DType::I1:
    return "i1";
  case DType::I64:
    return "i64";
  }
  return "?";
}

std::optional<DType> sieve::runtime::parseDType(const std::string &text) {
  for (DType dtype :
       {DType::F32, DType::F16, DType::BF16, DType::I32, DType::I1, DType::I64})
    if (text == name(dtype))
      return dtype;
  return std::nullopt;
}

namespace {

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

} // namespace

uint16_t sieve::runtime::toHalfBits(float value, DType dtype) {
  uint32_t bits = bitsOf(value);
  if (dtype == DType::BF16) {
    if (std::isnan(value))
      return static_cast<uint16_t>((bits >> 16) | 0x40);
    // Round to nearest, ties to even, on the 16 bits dropped.
    bits += 0x7FFF + ((bits >> 16) & 1);
    return static_cast<uint16_t>(bits >> 16);
  }
  // f16: 1 sign, 5 exponent (bias 15), 10 mantissa bits.
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  if (std::isnan(value))
    return sign | 0x7E00;
  float magnitude = std::fabs(value);
  if (magnitude >= 65520.0f) // rounds past the largest finite f16
    return sign | 0x7C00;
  if (magnitude < 6.103515625e-05f) {
    // Subnormal: units of 2^-24, rounded to nearest even by the FPU.
    float units = std::nearbyint(magnitude * 16777216.0f);
    return sign | static_cast<uint16_t>(units);
  }
  uint32_t m = bitsOf(magnitude);
  uint32_t exponent = (m >> 23) - 127 + 15, mantissa = m & 0x7FFFFF;
  uint32_t half = (exponent << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1FFF;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // may carry into the exponent: still right
  return sign | static_cast<uint16_t>(half);
}

float sieve::runtime::fromHalfBits(uint16_t bits, DType dtype) {
  if (dtype == DType::BF16)
    return floatOf(static_cast<uint32_t>(bits) << 16);
  float sign = bits & 0x8000 ? -1.0f : 1.0f;
  int exponent = (bits >> 10) & 0x1F, mantissa = bits & 0x3FF;
  if (exponent == 0)
    return sign * std::ldexp(static_cast<float>(mantissa), -24);
  if (exponent == 31)
    return mantissa ? NAN : sign * INFINITY;
  return sign * std::ldexp(static_cast<float>(1024 + mantissa), exponent - 25);
}
