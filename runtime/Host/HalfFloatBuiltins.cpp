//===- HalfFloatBuiltins.cpp - float-to-bf16 for generated host code ------===//
//
// LLVM lowers an f32 -> bf16 truncation on x86-64 to a call of
// __truncsfbf2 (compiler-rt), which GCC 12's libgcc does not have: host
// bundles on bf16 tensors would not load. The runtime, which every program
// that loads bundles links, provides it: round to nearest even, the bits
// returned in xmm0 as a half-precision value is.
//
//===----------------------------------------------------------------------===//

#include "runtime/Core/DType.h"

#include <cstdint>
#include <cstring>

extern "C" __attribute__((visibility("default"))) _Float16
__truncsfbf2(float value) {
  uint16_t bits =
      sieve::runtime::toHalfBits(value, sieve::runtime::DType::BF16);
  _Float16 result;
  std::memcpy(&result, &bits, sizeof result);
  return result;
}
