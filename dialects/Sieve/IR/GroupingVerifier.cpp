//===- GroupingVerifier.cpp - shapes of the sorted-pair operands ----------===//

#include "dialects/Sieve/IR/GroupingVerifier.h"

using namespace mlir;
using namespace mlir::sieve;
using namespace mlir::sieve::verify;

static constexpr int64_t kDyn = ShapedType::kDynamic;

int64_t mlir::sieve::verify::divDims(int64_t numerator, int64_t k) {
  return ShapedType::isDynamic(numerator) ? kDyn : numerator / k;
}

Dim mlir::sieve::verify::rowsOf(RowOrder order, int64_t tokens, int64_t pairs) {
  return order == RowOrder::Token ? Dim{tokens, "tokens"}
                                  : Dim{pairs, "tokens * k"};
}

FailureOr<Grouping> mlir::sieve::verify::verifyGrouping(
    Operation *op, int64_t k, int64_t expertsHint, Value pairs, Value offsets,
    Value scale, ArrayRef<std::pair<Value, RowOrder>> rowsAndOrders) {
  if (failed(checkPositive(op, "k", k)))
    return failure();
  // The pairs (the dispatch's output) fix the sizes when known; otherwise
  // the sorted operands, then the token operands and the scale.
  int64_t numPairs = dimOf(pairs, 0);
  int64_t tokens = dimOf(scale, 0);
  for (auto [value, order] : rowsAndOrders) {
    int64_t rows = dimOf(value, 0);
    if (order == RowOrder::Sorted)
      numPairs = firstStatic({numPairs, rows});
    else
      tokens = firstStatic({tokens, rows});
  }
  if (!ShapedType::isDynamic(numPairs) && numPairs % k != 0)
    return op->emitOpError() << "sorted_pairs has " << numPairs
                             << " entries, not a multiple of k (" << k << ")";
  tokens = firstStatic({divDims(numPairs, k), tokens});
  numPairs = firstStatic({numPairs, mulDims(tokens, k)});
  int64_t offsetsSize = dimOf(offsets, 0);
  int64_t experts = firstStatic({expertsHint, ShapedType::isDynamic(offsetsSize)
                                                  ? kDyn
                                                  : offsetsSize - 1});
  if (failed(
          checkShape(op, "sorted_pairs", pairs, {{numPairs, "tokens * k"}})) ||
      failed(checkShape(op, "offsets", offsets,
                        {{ShapedType::isDynamic(experts) ? kDyn : experts + 1,
                          "num_experts + 1"}})))
    return failure();
  if (scale &&
      failed(checkShape(op, "scale", scale, {{tokens, "tokens"}, {k, "k"}})))
    return failure();
  return Grouping{experts, numPairs, tokens};
}
