//===- ShapeReification.cpp - result sizes of the primitives --------------===//
//
// Every primitive states the sizes of its results in terms of its operands
// (ReifyRankedShapedTypeOpInterface). Static sizes come from the result type
// (the verifier has checked them against the operands); dynamic ones are
// computed from operand sizes with tensor.dim and arith.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

/// Builds the sizes of one op's results.
class Sizes {
public:
  Sizes(OpBuilder &b, Operation *op) : b(b), loc(op->getLoc()) {}

  OpFoldResult dim(Value value, int64_t index) {
    return tensor::getMixedSize(b, loc, value, index);
  }
  OpFoldResult constant(int64_t value) { return b.getIndexAttr(value); }

  OpFoldResult mul(OpFoldResult lhs, OpFoldResult rhs) {
    return binary<arith::MulIOp>(lhs, rhs,
                                 [](int64_t x, int64_t y) { return x * y; });
  }
  OpFoldResult div(OpFoldResult lhs, int64_t rhs) {
    return binary<arith::DivUIOp>(lhs, constant(rhs),
                                  [](int64_t x, int64_t y) { return x / y; });
  }
  OpFoldResult sub(OpFoldResult lhs, int64_t rhs) {
    return binary<arith::SubIOp>(lhs, constant(rhs),
                                 [](int64_t x, int64_t y) { return x - y; });
  }

  /// The sizes of `result`: static ones from its type, dynamic dimension d
  /// from `dynamicSize(d)`.
  void add(Value result, function_ref<OpFoldResult(int64_t)> dynamicSize) {
    auto type = cast<RankedTensorType>(result.getType());
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(type.isDynamicDim(d) ? dynamicSize(d)
                                           : constant(type.getDimSize(d)));
    shapes.push_back(std::move(sizes));
  }

  LogicalResult done(ReifiedRankedShapedTypeDims &out) {
    out = std::move(shapes);
    return success();
  }

private:
  template <typename OpTy>
  OpFoldResult binary(OpFoldResult lhs, OpFoldResult rhs,
                      int64_t (*fold)(int64_t, int64_t)) {
    std::optional<int64_t> x = getConstantIntValue(lhs);
    std::optional<int64_t> y = getConstantIntValue(rhs);
    if (x && y)
      return constant(fold(*x, *y));
    return OpTy::create(b, loc, getValueOrCreateConstantIndexOp(b, loc, lhs),
                        getValueOrCreateConstantIndexOp(b, loc, rhs))
        .getResult();
  }

  OpBuilder &b;
  Location loc;
  ReifiedRankedShapedTypeDims shapes;
};

/// Rows of a CVMM-like operand or result: pairs, or pairs / k for tokens.
OpFoldResult rowsOf(Sizes &sizes, RowOrder order, Value sortedPairs,
                    int64_t k) {
  OpFoldResult pairs = sizes.dim(sortedPairs, 0);
  return order == RowOrder::Sorted ? pairs : sizes.div(pairs, k);
}

} // namespace

LogicalResult
SelectExpertsOp::reifyResultShapes(OpBuilder &b,
                                   ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  auto perToken = [&](int64_t d) {
    return d == 0 ? sizes.dim(getScores(), 0) : sizes.constant(getK());
  };
  sizes.add(getExperts(), perToken);
  sizes.add(getGates(), perToken);
  return sizes.done(shapes);
}

LogicalResult
SinkhornOp::reifyResultShapes(OpBuilder &b,
                              ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  sizes.add(getLogAssignment(),
            [&](int64_t d) { return sizes.dim(getLogits(), d); });
  return sizes.done(shapes);
}

LogicalResult
DispatchOp::reifyResultShapes(OpBuilder &b,
                              ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  sizes.add(getSortedPairs(), [&](int64_t) {
    return sizes.mul(sizes.dim(getExperts(), 0), sizes.dim(getExperts(), 1));
  });
  sizes.add(getOffsets(),
            [&](int64_t) { return sizes.constant(getNumExperts() + 1); });
  return sizes.done(shapes);
}

LogicalResult CvmmOp::reifyResultShapes(OpBuilder &b,
                                        ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  sizes.add(getResult(), [&](int64_t d) {
    if (d == 0)
      return rowsOf(sizes, getOutputRows(), getSortedPairs(), getK());
    return sizes.dim(getWeight(), getTransposeWeight() ? 1 : 2);
  });
  return sizes.done(shapes);
}

LogicalResult
CvmmWeightGradOp::reifyResultShapes(OpBuilder &b,
                                    ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  sizes.add(getWeightGrad(), [&](int64_t d) {
    if (d == 0)
      return sizes.sub(sizes.dim(getOffsets(), 0), 1);
    return sizes.dim(d == 1 ? getInput() : getGradOutput(), 1);
  });
  return sizes.done(shapes);
}

LogicalResult TopKOp::reifyResultShapes(OpBuilder &b,
                                        ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  int64_t last = cast<RankedTensorType>(getInput().getType()).getRank() - 1;
  auto selected = [&](int64_t d) {
    return d == last ? sizes.constant(getK()) : sizes.dim(getInput(), d);
  };
  sizes.add(getValues(), selected);
  sizes.add(getIndices(), selected);
  return sizes.done(shapes);
}

LogicalResult
ProductKeyTopKOp::reifyResultShapes(OpBuilder &b,
                                    ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  auto selected = [&](int64_t d) {
    return d == 2 ? sizes.constant(getK()) : sizes.dim(getScoresA(), d);
  };
  sizes.add(getScores(), selected);
  sizes.add(getIndices(), selected);
  return sizes.done(shapes);
}

LogicalResult
GatherSumOp::reifyResultShapes(OpBuilder &b,
                               ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  sizes.add(getResult(), [&](int64_t d) {
    return d == 0 ? sizes.dim(getWeights(), 0) : sizes.dim(getTable(), 1);
  });
  return sizes.done(shapes);
}

// The regularisers' losses are 0-d: one result with no sizes.
LogicalResult
EntropyRegOp::reifyResultShapes(OpBuilder &,
                                ReifiedRankedShapedTypeDims &shapes) {
  shapes = {{}};
  return success();
}

LogicalResult
SwitchRegOp::reifyResultShapes(OpBuilder &,
                               ReifiedRankedShapedTypeDims &shapes) {
  shapes = {{}};
  return success();
}

LogicalResult
WordRouteOp::reifyResultShapes(OpBuilder &b,
                               ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  for (Value experts : getExperts())
    sizes.add(experts, [&](int64_t d) {
      return d == 0 ? sizes.dim(getRoutingIds(), 0) : sizes.constant(1);
    });
  return sizes.done(shapes);
}

LogicalResult
BernoulliMaskOp::reifyResultShapes(OpBuilder &b,
                                   ReifiedRankedShapedTypeDims &shapes) {
  Sizes sizes(b, *this);
  // Dynamic dimensions take the dynamic_sizes operands in order.
  unsigned next = 0;
  sizes.add(getMask(),
            [&](int64_t) { return OpFoldResult(getDynamicSizes()[next++]); });
  return sizes.done(shapes);
}
