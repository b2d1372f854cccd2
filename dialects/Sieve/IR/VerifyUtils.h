//===- VerifyUtils.h - shared checks with precise verifier messages -------===//
//
// Every sieve op checks ranks, dimensions, element types and attribute ranges
// through these helpers, so that all messages name the operand, the dimension
// and what was expected in one consistent form.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_IR_VERIFYUTILS_H
#define SIEVE_DIALECTS_SIEVE_IR_VERIFYUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Support/LLVM.h"

#include <initializer_list>

namespace mlir::sieve::verify {

/// One expected dimension: its size (ShapedType::kDynamic when it is not
/// known statically) and what it means ("d_model", "num_experts + 1", ...).
struct Dim {
  int64_t size;
  StringRef meaning;
};

/// The first statically known size among `candidates`, or kDynamic.
int64_t firstStatic(std::initializer_list<int64_t> candidates);

/// Size `dim` of `value`'s ranked type, or kDynamic when `value` is not a
/// ranked tensor or memref of a higher rank (such values fail their own
/// shape check).
int64_t dimOf(Value value, unsigned dim);

/// Checks that `value` is a ranked tensor or memref of rank
/// `expected.size()` whose sizes equal every statically known expected size.
/// Emits, e.g.,
///   "w1 has shape 16x256x128 but must be num_experts x d_model x
///    expert_size = 16x512x128".
LogicalResult checkShape(Operation *op, StringRef name, Value value,
                         ArrayRef<Dim> expected);

/// Checks that all `values` share the element type of the first one.
LogicalResult
checkSameElementType(Operation *op,
                     ArrayRef<std::pair<StringRef, Value>> values);

/// Checks that an integer attribute is positive: "k must be positive, got 0".
LogicalResult checkPositive(Operation *op, StringRef name, int64_t value);

/// Checks `value <= bound`: "k (5) exceeds num_experts (4)".
LogicalResult checkAtMost(Operation *op, StringRef name, int64_t value,
                          StringRef boundName, int64_t bound);

/// Checks that a floating-point attribute is finite and >= 0:
/// "weight must be finite and non-negative, got -1".
LogicalResult checkNonNegative(Operation *op, StringRef name, double value);

/// Checks the MoWE frequency buckets shared by mowe_ffn and word_route: at
/// least one bucket, every entry a #sieve.bucket, num_unrouted >= 0.
LogicalResult checkBuckets(Operation *op, ArrayAttr buckets,
                           int64_t numUnrouted);

/// The product a * b, or kDynamic when either is dynamic.
int64_t mulDims(int64_t a, int64_t b);

} // namespace mlir::sieve::verify

#endif // SIEVE_DIALECTS_SIEVE_IR_VERIFYUTILS_H
