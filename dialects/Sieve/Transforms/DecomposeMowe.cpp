//===- DecomposeMowe.cpp - mowe_ffn ---------------------------------------===//
//
// Mixture of Word Experts (MoWE, Sec. 2.2-2.3): fixed routing by routing id,
// then each frequency bucket runs as a top-1 grouped MLP over the tokens it
// owns; tokens of other buckets and unrouted ids contribute zero.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/Transforms/Decompositions.h"
#include "dialects/Sieve/Transforms/TensorBuilder.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

struct DecomposeMoweFfn : OpRewritePattern<MoweFfnOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MoweFfnOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Location loc = op.getLoc();
    Value x = op.getX();
    Type elementType = getElementTypeOrSelf(x.getType());
    Type i32 = rewriter.getI32Type();
    int64_t tokens = TensorBuilder::staticDim(x, 0);
    SmallVector<BucketAttr> buckets = op.getBucketAttrs();

    SmallVector<Type> routeTypes(buckets.size(),
                                 tb.type({tokens, 1}, i32));
    auto route = WordRouteOp::create(rewriter, loc, routeTypes,
                                     op.getRoutingIds(), op.getNumUnrouted(),
                                     op.getBuckets());

    Value sum;
    OperandRange weights = op.getExpertWeights();
    for (auto [index, bucket] : llvm::enumerate(buckets)) {
      int64_t experts = bucket.getNumExperts();
      Value w1 = weights[2 * index], w2 = weights[2 * index + 1];
      auto dispatch = DispatchOp::create(
          rewriter, loc, tb.type({tokens}, i32),
          tb.type({experts + 1}, i32), route.getExperts()[index],
          rewriter.getI64IntegerAttr(experts));
      Value up = CvmmOp::create(
          rewriter, loc, tb.type({tokens, TensorBuilder::staticDim(w1, 2)}, elementType), x, w1,
          dispatch.getSortedPairs(), dispatch.getOffsets(), /*scale=*/Value(),
          /*k=*/1, RowOrder::Token, RowOrder::Sorted);
      Value out = CvmmOp::create(
          rewriter, loc, tb.type({tokens, TensorBuilder::staticDim(w2, 2)}, elementType),
          tb.relu(up), w2, dispatch.getSortedPairs(), dispatch.getOffsets(),
          /*scale=*/Value(), /*k=*/1, RowOrder::Sorted, RowOrder::Token);
      sum = sum ? tb.add(sum, out) : out;
    }
    rewriter.replaceOp(op, tb.castTo(sum, op.getY().getType()));
    return success();
  }
};

} // namespace

void mlir::sieve::populateDecomposeMoweFfnPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DecomposeMoweFfn>(patterns.getContext());
}
