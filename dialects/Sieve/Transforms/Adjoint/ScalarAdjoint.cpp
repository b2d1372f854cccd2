//===- ScalarAdjoint.cpp - derivatives of a linalg.generic's scalar body --===//

#include "dialects/Sieve/Transforms/Adjoint/ScalarAdjoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

/// Scalar gradients of one body, by value of the cloned body.
class ScalarGradients {
public:
  ScalarGradients(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value get(Value value) const { return grads.lookup(value); }
  void add(Value value, Value grad) {
    if (!isa<FloatType>(value.getType()))
      return;
    Value &slot = grads[value];
    slot = slot ? arith::AddFOp::create(b, loc, slot, grad).getResult() : grad;
  }

  Value mul(Value a, Value c) { return arith::MulFOp::create(b, loc, a, c); }
  Value div(Value a, Value c) { return arith::DivFOp::create(b, loc, a, c); }
  Value neg(Value a) { return arith::NegFOp::create(b, loc, a); }
  Value constant(Type type, double value) {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
  }
  /// `condition ? grad : 0` and `condition ? 0 : grad`.
  std::pair<Value, Value> route(Value condition, Value grad) {
    Value zero = constant(grad.getType(), 0.0);
    return {arith::SelectOp::create(b, loc, condition, grad, zero),
            arith::SelectOp::create(b, loc, condition, zero, grad)};
  }

  /// Propagates the gradient of `op`'s result to its operands.
  LogicalResult backprop(Operation *op, Value grad);

private:
  /// max/min: the gradient goes to the operand that was taken, the second
  /// one on ties (so ReLU's max(x, 0) has gradient 0 at x = 0, as PyTorch).
  void pick(Operation *op, arith::CmpFPredicate firstWins, Value grad) {
    Value a = op->getOperand(0), c = op->getOperand(1);
    Value first = arith::CmpFOp::create(b, loc, firstWins, a, c);
    auto [toA, toC] = route(first, grad);
    add(a, toA);
    add(c, toC);
  }

  OpBuilder &b;
  Location loc;
  llvm::DenseMap<Value, Value> grads;
};

LogicalResult ScalarGradients::backprop(Operation *op, Value grad) {
  using Pred = arith::CmpFPredicate;
  // Constants (and anything else without operands) end the chain.
  if (op->getNumOperands() == 0)
    return success();
  if (isa<arith::AddFOp>(op)) {
    add(op->getOperand(0), grad);
    add(op->getOperand(1), grad);
  } else if (isa<arith::SubFOp>(op)) {
    add(op->getOperand(0), grad);
    add(op->getOperand(1), neg(grad));
  } else if (isa<arith::MulFOp>(op)) {
    add(op->getOperand(0), mul(grad, op->getOperand(1)));
    add(op->getOperand(1), mul(grad, op->getOperand(0)));
  } else if (isa<arith::DivFOp>(op)) {
    // d(a/c) = da/c - a dc/c^2 = da/c - (a/c) dc/c.
    Value c = op->getOperand(1);
    add(op->getOperand(0), div(grad, c));
    add(c, neg(div(mul(grad, op->getResult(0)), c)));
  } else if (isa<arith::NegFOp>(op)) {
    add(op->getOperand(0), neg(grad));
  } else if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op)) {
    pick(op, Pred::OGT, grad);
  } else if (isa<arith::MinimumFOp, arith::MinNumFOp>(op)) {
    pick(op, Pred::OLT, grad);
  } else if (auto select = dyn_cast<arith::SelectOp>(op)) {
    auto [toTrue, toFalse] = route(select.getCondition(), grad);
    add(select.getTrueValue(), toTrue);
    add(select.getFalseValue(), toFalse);
  } else if (isa<math::ExpOp>(op)) {
    add(op->getOperand(0), mul(grad, op->getResult(0)));
  } else if (isa<math::LogOp>(op)) {
    add(op->getOperand(0), div(grad, op->getOperand(0)));
  } else if (isa<math::TanhOp>(op)) {
    Value t = op->getResult(0);
    Value one = constant(t.getType(), 1.0);
    add(op->getOperand(0),
        mul(grad, arith::SubFOp::create(b, loc, one, mul(t, t))));
  } else if (isa<math::SqrtOp>(op)) {
    Value twice = mul(constant(grad.getType(), 2.0), op->getResult(0));
    add(op->getOperand(0), div(grad, twice));
  } else {
    return op->emitOpError()
           << "has no scalar derivative: sieve-generate-backward cannot "
              "differentiate it in the body of a linalg.generic";
  }
  return success();
}

} // namespace

FailureOr<SmallVector<Value>>
mlir::sieve::differentiateScalarBody(OpBuilder &b, Location loc, Block &body,
                                     ValueRange arguments,
                                     ValueRange yieldGradients) {
  IRMapping mapping;
  mapping.map(body.getArguments(), arguments);
  SmallVector<Operation *> cloned;
  for (Operation &op : body.without_terminator())
    cloned.push_back(b.clone(op, mapping));

  ScalarGradients grads(b, loc);
  Operation *yield = body.getTerminator();
  for (auto [value, grad] : llvm::zip(yield->getOperands(), yieldGradients))
    if (grad)
      grads.add(mapping.lookupOrDefault(value), grad);
  for (Operation *op : llvm::reverse(cloned)) {
    if (op->getNumResults() != 1)
      continue;
    Value grad = grads.get(op->getResult(0));
    if (grad && failed(grads.backprop(op, grad)))
      return failure();
  }
  return llvm::map_to_vector(arguments,
                             [&](Value arg) { return grads.get(arg); });
}
