//===- DecomposeMoe.cpp - moe_ffn -----------------------------------------===//
//
// σ-MoE and its baselines (Sec. 4-5): scores, selection, dispatch by expert,
// two grouped CVMMs (Eq. 11, 26) and the regulariser.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/Transforms/Decompositions.h"
#include "dialects/Sieve/Transforms/RoutedMlp.h"
#include "dialects/Sieve/Transforms/TensorBuilder.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

struct DecomposeMoeFfn : OpRewritePattern<MoeFfnOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MoeFfnOp op,
                                PatternRewriter &rewriter) const override {
    TensorBuilder tb(rewriter, op.getLoc());
    Location loc = op.getLoc();
    Value x = op.getX();
    Type elementType = getElementTypeOrSelf(x.getType());
    Type i32 = rewriter.getI32Type();
    int64_t experts = op.getNumExperts(), k = op.getK();
    int64_t tokens = TensorBuilder::staticDim(x, 0);
    SmallVector<int64_t> perToken = {tokens, experts};
    SmallVector<int64_t> selected = {tokens, k};

    // Expert scores s = act(W3 x).
    Value logits = tb.matmul(x, op.getW3());
    Value scores = op.getSelectionActivation() == SelectionActivation::Sigmoid
                       ? tb.sigmoid(logits)
                       : tb.softmax(logits, /*dimension=*/1);

    // S-BASE ranks by the Sinkhorn-balanced assignment in training only.
    Value ranking;
    if (op.getSelection() == ExpertSelection::Sinkhorn && op.getTrain())
      ranking = SinkhornOp::create(rewriter, loc, logits.getType(), logits,
                                   op.getSinkhornIterationCount());

    // Expert dropout (Eq. 22): keep each (token, expert) with p = 1 - δ.
    Value keep;
    if (op.usesExpertDropout()) {
      APFloat keepProbability(1.0 - op.getExpertDropout().convertToDouble());
      keep = BernoulliMaskOp::create(
          rewriter, loc, tb.type(perToken, rewriter.getI1Type()), op.getSeed(),
          TensorBuilder::dynamicSizes({tb.dim(x, 0)}), keepProbability);
    }

    auto selection = SelectExpertsOp::create(
        rewriter, loc, tb.type(selected, i32), tb.type(selected, elementType),
        scores, ranking, keep, k,
        op.getSelectionActivation() == SelectionActivation::SoftmaxRenorm);
    // y = sum_{e in E_x} s[e] W2^e ReLU(W1^e x)  (Eq. 11)
    Value y = buildRoutedMlp(tb, x, selection.getExperts(), experts, op.getW1(),
                             op.getW2(), selection.getGates());

    SmallVector<Value> results = {tb.castTo(y, op.getY().getType())};
    if (Value auxLoss = op.getAuxLoss()) {
      APFloat gamma = *op.getRegularizerWeight();
      if (op.getRegularizer() == Regularizer::Entropy)
        results.push_back(EntropyRegOp::create(rewriter, loc, auxLoss.getType(),
                                               logits,
                                               gamma)); // Eq. 20-21
      else
        results.push_back(SwitchRegOp::create(rewriter, loc, auxLoss.getType(),
                                              logits, selection.getExperts(),
                                              gamma)); // Eq. 15-17
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void mlir::sieve::populateDecomposeMoeFfnPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeMoeFfn>(patterns.getContext());
}
