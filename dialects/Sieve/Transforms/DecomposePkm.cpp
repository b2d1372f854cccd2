//===- DecomposePkm.cpp - pkm_ffn -----------------------------------------===//
//
// Product-key memory (Sec. 3.2): per-half sub-key scores for all heads with
// one matmul each, product-key top-K (Eq. 8), the activation, and one
// weighted gather-sum over the value table shared by the heads.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/Transforms/Decompositions.h"
#include "dialects/Sieve/Transforms/TensorBuilder.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

struct DecomposePkmFfn : OpRewritePattern<PkmFfnOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(PkmFfnOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Location loc = op.getLoc();
    Value x = op.getX();
    Type elementType = getElementTypeOrSelf(x.getType());
    int64_t subkeys = op.getNumSubkeys(), k = op.getK();
    OpFoldResult tokens = tb.dim(x, 0);
    OpFoldResult half = tb.div(tb.dim(x, 1), 2);

    // u_a = x_a Ka and u_b = x_b Kb for all heads at once: the keys
    // (d_model/2 x heads x S) are viewed as d_model/2 x (heads * S).
    auto subkeyScores = [&](OpFoldResult offset, Value keys) {
      Value halfX = tb.columns(x, offset, half);
      return tb.splitLast(tb.matmul(halfX, tb.mergeLastTwo(keys)), subkeys);
    };
    Value scoresA = subkeyScores(rewriter.getIndexAttr(0), op.getKeysA());
    Value scoresB = subkeyScores(half, op.getKeysB());

    SmallVector<OpFoldResult> selected = {tokens, tb.index(op.getHeads()),
                                          tb.index(k)};
    Value scoresInit = tb.empty(selected, elementType);
    Value indicesInit = tb.empty(selected, rewriter.getI32Type());
    auto topk = ProductKeyTopKOp::create(
        rewriter, loc, TypeRange{scoresInit.getType(), indicesInit.getType()},
        scoresA, scoresB, scoresInit, indicesInit, k);
    Value scores = topk.getResult(0);
    Value activated = op.getActivation() == PkmActivation::ReLU
                          ? tb.relu(scores)
                          : tb.softmax(scores, /*dimension=*/2);

    // Sum over heads and selected values alike: tokens x (heads * k).
    Value values = op.getValues();
    Value init = tb.zeros({tokens, tb.dim(values, 1)}, elementType);
    Value y = GatherSumOp::create(
                  rewriter, loc, init.getType(), tb.mergeLastTwo(activated),
                  tb.mergeLastTwo(topk.getResult(1)), values, init)
                  .getResult(0);
    rewriter.replaceOp(op, tb.castTo(y, op.getY().getType()));
    return success();
  }
};

} // namespace

void mlir::sieve::populateDecomposePkmFfnPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposePkmFfn>(patterns.getContext());
}
