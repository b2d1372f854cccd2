//===- DType.h - element types of runtime tensors -------------------------===//

#ifndef SIEVE_RUNTIME_CORE_DTYPE_H
#define SIEVE_RUNTIME_CORE_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace sieve::runtime {

/// The element types bundles use. I1 (masks) is stored one byte per element,
/// as the generated code stores it.
enum class DType { F32, F16, BF16, I32, I1, I64 };

/// Bytes per element.
size_t byteSize(DType dtype);
/// "f32", "f16", "bf16", "i32", "i1", "i64".
const char *name(DType dtype);
/// The inverse of name(), or nullopt for an unknown name.
std::optional<DType> parseDType(const std::string &text);

/// A 16-bit float (F16 or BF16) from f32, rounded to nearest even (NaN
/// stays NaN, overflow becomes infinity), as its bits.
uint16_t toHalfBits(float value, DType dtype);
/// The f32 value of a 16-bit float's bits (F16 or BF16): exact.
float fromHalfBits(uint16_t bits, DType dtype);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_CORE_DTYPE_H
