//===- AdjointState.cpp - the gradients of a reverse sweep ----------------===//

#include "dialects/Sieve/Transforms/Adjoint/AdjointState.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::sieve;

static bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

void AdjointState::computeActivity(Block &body, ArrayRef<Value> roots) {
  active.insert(roots.begin(), roots.end());
  // The body is in SSA order: one forward pass sees every def before use.
  for (Operation &op : body) {
    bool anyActive = llvm::any_of(
        op.getOperands(), [&](Value operand) { return isActive(operand); });
    if (!anyActive)
      continue;
    for (Value result : op.getResults())
      if (isFloatTensor(result.getType()))
        active.insert(result);
  }
}

Value mlir::sieve::zerosLike(OpBuilder &b, Location loc, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  Value empty = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, like), type.getElementType());
  Value zero = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(type.getElementType(), 0.0));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

void AdjointState::addGradient(OpBuilder &b, Location loc, Value value,
                               Value grad) {
  if (!isActive(value) || !grad)
    return;
  Value existing = gradient(value);
  if (!existing) {
    gradients[value] = grad;
    return;
  }
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, existing),
      cast<RankedTensorType>(existing.getType()).getElementType());
  gradients[value] = linalg::AddOp::create(b, loc, ValueRange{existing, grad},
                                           ValueRange{init})
                         .getResult(0);
}

Value AdjointState::accumulator(OpBuilder &b, Location loc, Value value) {
  if (Value existing = gradient(value))
    return existing;
  return zerosLike(b, loc, value);
}
