//===- RoutedMlp.cpp - the routed two-layer MLP shared by MoE and MoWE ----===//

#include "dialects/Sieve/Transforms/RoutedMlp.h"

#include "dialects/Sieve/IR/SieveOps.h"

using namespace mlir;
using namespace mlir::sieve;

Value mlir::sieve::buildRoutedMlp(TensorBuilder &tb, Value x, Value experts,
                                  int64_t numExperts, Value w1, Value w2,
                                  Value gates) {
  OpBuilder &b = tb.builder();
  Location loc = tb.location();
  Type elementType = getElementTypeOrSelf(x.getType());
  Type i32 = b.getI32Type();
  int64_t tokens = TensorBuilder::staticDim(x, 0);
  int64_t k = TensorBuilder::staticDim(experts, 1);
  int64_t pairs = TensorBuilder::mulSizes(tokens, k);

  // Sort the (token, slot) pairs by expert so each expert's rows are
  // contiguous (App. B.1).
  auto dispatch = DispatchOp::create(b, loc, tb.type({pairs}, i32),
                                     tb.type({numExperts + 1}, i32), experts,
                                     b.getI64IntegerAttr(numExperts));
  Value sortedPairs = dispatch.getSortedPairs();
  Value offsets = dispatch.getOffsets();

  // u = ReLU(W1^e x), one row per sorted pair, gathered from the token rows.
  Value up = CvmmOp::create(
      b, loc, tb.type({pairs, TensorBuilder::staticDim(w1, 2)}, elementType), x,
      w1, sortedPairs, offsets, /*scale=*/Value(), k, RowOrder::Token,
      RowOrder::Sorted);
  // y = sum gate * W2^e u: scatter-added back into the token rows.
  return CvmmOp::create(
      b, loc, tb.type({tokens, TensorBuilder::staticDim(w2, 2)}, elementType),
      tb.relu(up), w2, sortedPairs, offsets, gates, k, RowOrder::Sorted,
      RowOrder::Token);
}
