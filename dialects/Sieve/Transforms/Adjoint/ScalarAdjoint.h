//===- ScalarAdjoint.h - derivatives of a linalg.generic's scalar body ----===//
//
// An elementwise linalg.generic applies a scalar function to each element;
// its adjoint is another elementwise generic whose body recomputes the
// function and then runs reverse mode over those scalar ops (arith and math
// on floats). This file does the scalar part.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_ADJOINT_SCALARADJOINT_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_ADJOINT_SCALARADJOINT_H

#include "mlir/IR/Builders.h"

namespace mlir::sieve {

/// Clones the ops of `body` (a generic's scalar region, whose block
/// arguments map to `arguments`) at the builder's insertion point, then
/// differentiates them: `yieldGradients[i]` is the gradient of the i-th
/// yielded value (null: none). Returns the gradient of each block argument
/// (null where none flows), or fails, with a diagnostic at `loc`, on an op
/// it cannot differentiate.
FailureOr<SmallVector<Value>>
differentiateScalarBody(OpBuilder &b, Location loc, Block &body,
                        ValueRange arguments, ValueRange yieldGradients);

} // namespace mlir::sieve

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_ADJOINT_SCALARADJOINT_H
