//===- RoutedMlp.cpp - the routed two-layer MLP shared by MoE and MoWE ----===//

#include "dialects/Sieve/Transforms/RoutedMlp.h"

#include "dialects/Sieve/IR/SieveOps.h"

using namespace mlir;
using namespace mlir::sieve;

Value mlir::sieve::buildRoutedMlp(TensorBuilder &tb, Value x, Value experts,
                                  int64_t numExperts, Value w1, Value w2,
                                  Value gates, Value accumulator) {
  OpBuilder &b = tb.builder();
  Location loc = tb.location();
  Type elementType = getElementTypeOrSelf(x.getType());
  Type i32 = b.getI32Type();
  int64_t k = TensorBuilder::staticDim(experts, 1);
  OpFoldResult tokens = tb.dim(x, 0);
  OpFoldResult pairs = tb.mul(tokens, k);

  // Sort the (token, slot) pairs by expert so each expert's rows are
  // contiguous (App. B.1).
  Value pairsInit = tb.empty({pairs}, i32);
  Value offsetsInit = tb.empty({tb.index(numExperts + 1)}, i32);
  auto dispatch = DispatchOp::create(
      b, loc, TypeRange{pairsInit.getType(), offsetsInit.getType()}, experts,
      pairsInit, offsetsInit, b.getI64IntegerAttr(numExperts));
  Value sortedPairs = dispatch.getResult(0);
  Value offsets = dispatch.getResult(1);

  // u = ReLU(W1^e x), one row per sorted pair, gathered from the token rows.
  Value upInit = tb.zeros({pairs, tb.dim(w1, 2)}, elementType);
  Value up = CvmmOp::create(b, loc, upInit.getType(), x, w1, sortedPairs,
                            offsets, /*scale=*/Value(), upInit, k,
                            RowOrder::Token, RowOrder::Sorted)
                 .getResult(0);
  // y += gate * W2^e u: scatter-added back into the token rows.
  Value downInit = accumulator ? accumulator
                               : tb.zeros({tokens, tb.dim(w2, 2)}, elementType);
  return CvmmOp::create(b, loc, downInit.getType(), tb.relu(up), w2,
                        sortedPairs, offsets, gates, downInit, k,
                        RowOrder::Sorted, RowOrder::Token)
      .getResult(0);
}
