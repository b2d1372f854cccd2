//===- RoutedMlp.cpp - the routed two-layer MLP shared by MoE and MoWE ----===//

#include "dialects/Sieve/Transforms/RoutedMlp.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::sieve;

/// relu(u) with its dropout: keep ? relu(u) / (1 - p) : 0, elementwise.
static Value dropHidden(TensorBuilder &tb, Value hidden,
                        const HiddenDropout &dropout) {
  OpBuilder &b = tb.builder();
  Location loc = tb.location();
  auto type = cast<RankedTensorType>(hidden.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, hidden);
  Value maskInit = tb.empty(sizes, b.getI1Type());
  Value mask = BernoulliMaskOp::create(
                   b, loc, maskInit.getType(), dropout.seed, maskInit,
                   APFloat(1.0 - dropout.probability), /*stream=*/1)
                   .getResult(0);
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> parallel(type.getRank(),
                                            utils::IteratorType::parallel);
  Value init = tb.empty(sizes, type.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{hidden, mask},
             ValueRange{init}, {identity, identity, identity}, parallel,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value scale = arith::ConstantOp::create(
                   nb, nl,
                   nb.getFloatAttr(type.getElementType(),
                                   1.0 / (1.0 - dropout.probability)));
               Value zero = arith::ConstantOp::create(
                   nb, nl, nb.getFloatAttr(type.getElementType(), 0.0));
               Value scaled = arith::MulFOp::create(nb, nl, args[0], scale);
               linalg::YieldOp::create(nb, nl,
                                       ValueRange{arith::SelectOp::create(
                                           nb, nl, args[1], scaled, zero)});
             })
      .getResult(0);
}

Value mlir::sieve::buildRoutedMlp(TensorBuilder &tb, Value x, Value experts,
                                  int64_t numExperts, Value w1, Value w2,
                                  Value gates, Value accumulator,
                                  HiddenDropout dropout) {
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
  Value hidden = tb.relu(up);
  if (dropout.seed && dropout.probability > 0.0)
    hidden = dropHidden(tb, hidden, dropout);
  return CvmmOp::create(b, loc, downInit.getType(), hidden, w2, sortedPairs,
                        offsets, gates, downInit, k, RowOrder::Sorted,
                        RowOrder::Token)
      .getResult(0);
}
