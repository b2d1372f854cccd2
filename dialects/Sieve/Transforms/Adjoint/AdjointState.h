//===- AdjointState.h - the gradients of a reverse sweep ------------------===//
//
// Reverse-mode differentiation of a function on tensors: `sieve-generate-
// backward` walks the ops backwards and asks each one (AdjointOpInterface)
// to turn the gradients of its results into gradients of its operands. The
// state holds those gradients, one tensor per forward value, and knows which
// values are active (depend on a differentiated argument): only active
// operands receive gradients.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_ADJOINT_ADJOINTSTATE_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_ADJOINT_ADJOINTSTATE_H

#include "dialects/Sieve/IR/SieveDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::sieve {

class AdjointState {
public:
  /// Marks as active every value of `body` reachable from `roots` through
  /// ops with floating-point results.
  void computeActivity(Block &body, ArrayRef<Value> roots);

  bool isActive(Value value) const { return active.contains(value); }

  /// The gradient accumulated for `value`, or null when none reached it.
  Value gradient(Value value) const { return gradients.lookup(value); }

  /// Adds `grad` (a tensor of `value`'s type) to `value`'s gradient; does
  /// nothing when `value` is inactive.
  void addGradient(OpBuilder &b, Location loc, Value value, Value grad);

  /// A tensor to accumulate `value`'s gradient into, for an op that adds
  /// (`+=`) into its init: the current gradient, or zeros. Record the op's
  /// result with setGradient.
  Value accumulator(OpBuilder &b, Location loc, Value value);
  void setGradient(Value value, Value grad) { gradients[value] = grad; }

private:
  llvm::DenseSet<Value> active;
  llvm::DenseMap<Value, Value> gradients;
};

/// A zero tensor shaped like the ranked tensor `like`.
Value zerosLike(OpBuilder &b, Location loc, Value like);

} // namespace mlir::sieve

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_ADJOINT_ADJOINTSTATE_H
