//===- DecomposeKeyValue.cpp - dense_ffn and topk_ffn ---------------------===//
//
// The two layers that keep the full key matrix W1: the dense MLP (Eq. 1-2)
// and the top-K activation (Eq. 6-7), which sums only K gathered values.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/Transforms/Decompositions.h"
#include "dialects/Sieve/Transforms/TensorBuilder.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

struct DecomposeDenseFfn : OpRewritePattern<DenseFfnOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DenseFfnOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Value u = tb.relu(tb.matmul(op.getX(), op.getW1())); // Eq. 1
    Value y = tb.matmul(u, op.getW2());                  // Eq. 2
    rewriter.replaceOp(op, tb.castTo(y, op.getY().getType()));
    return success();
  }
};

struct DecomposeTopKFfn : OpRewritePattern<TopKFfnOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TopKFfnOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Location loc = op.getLoc();
    Value x = op.getX(), w2 = op.getW2();
    Type elementType = getElementTypeOrSelf(x.getType());
    OpFoldResult tokens = tb.dim(x, 0);
    SmallVector<OpFoldResult> selected = {tokens, tb.index(op.getK())};

    Value u = tb.relu(tb.matmul(x, op.getW1())); // Eq. 1, in full
    Value valuesInit = tb.empty(selected, elementType);
    Value indicesInit = tb.empty(selected, rewriter.getI32Type());
    auto topk = TopKOp::create(
        rewriter, loc, TypeRange{valuesInit.getType(), indicesInit.getType()},
        u, valuesInit, indicesInit, op.getK()); // Eq. 6
    Value init = tb.zeros({tokens, tb.dim(w2, 1)}, elementType);
    Value y = GatherSumOp::create(rewriter, loc, init.getType(),
                                  topk.getResult(0), topk.getResult(1), w2,
                                  init)
                  .getResult(0); // Eq. 7
    rewriter.replaceOp(op, tb.castTo(y, op.getY().getType()));
    return success();
  }
};

} // namespace

void mlir::sieve::populateDecomposeDenseFfnPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DecomposeDenseFfn>(patterns.getContext());
}

void mlir::sieve::populateDecomposeTopKFfnPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DecomposeTopKFfn>(patterns.getContext());
}
