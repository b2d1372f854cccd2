//===- DecomposeMowe.cpp - mowe_ffn ---------------------------------------===//
//
// Mixture of Word Experts (MoWE, Sec. 2.2-2.3): fixed routing by routing id,
// then each frequency bucket runs as a top-1 grouped MLP over the tokens it
// owns; tokens of other buckets and unrouted ids contribute zero.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/Transforms/Decompositions.h"
#include "dialects/Sieve/Transforms/RoutedMlp.h"
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
    SmallVector<BucketAttr> buckets = op.getBucketAttrs();

    SmallVector<Value> routeInits;
    for (size_t i = 0; i < buckets.size(); ++i)
      routeInits.push_back(
          tb.empty({tb.dim(x, 0), tb.index(1)}, rewriter.getI32Type()));
    auto route = WordRouteOp::create(
        rewriter, loc, ValueRange(routeInits).getTypes(), op.getRoutingIds(),
        routeInits, op.getNumUnrouted(), op.getBuckets());

    // Each bucket is a top-1 routed MLP over the tokens it owns (gate 1);
    // the buckets accumulate into one output.
    Value sum;
    OperandRange weights = op.getExpertWeights();
    for (auto [index, bucket] : llvm::enumerate(buckets))
      sum = buildRoutedMlp(tb, x, route.getResult(index),
                           bucket.getNumExperts(), weights[2 * index],
                           weights[2 * index + 1], /*gates=*/Value(), sum);
    rewriter.replaceOp(op, tb.castTo(sum, op.getY().getType()));
    return success();
  }
};

} // namespace

void mlir::sieve::populateDecomposeMoweFfnPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DecomposeMoweFfn>(patterns.getContext());
}
