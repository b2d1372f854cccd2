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
    OpFoldResult tokens = tb.dim(x, 0);
    SmallVector<OpFoldResult> perToken = {tokens, tb.index(experts)};
    SmallVector<OpFoldResult> selected = {tokens, tb.index(k)};

    // Expert scores s = act(W3 x).
    Value logits = tb.matmul(x, op.getW3());
    Value scores = op.getSelectionActivation() == SelectionActivation::Sigmoid
                       ? tb.sigmoid(logits)
                       : tb.softmax(logits, /*dimension=*/1);

    // S-BASE ranks by the Sinkhorn-balanced assignment in training only.
    Value ranking;
    if (op.getSelection() == ExpertSelection::Sinkhorn && op.getTrain()) {
      Value init = tb.empty(perToken, elementType);
      ranking = SinkhornOp::create(rewriter, loc, init.getType(), logits, init,
                                   op.getSinkhornIterationCount())
                    .getResult(0);
    }

    // Expert dropout (Eq. 22): keep each (token, expert) with p = 1 - δ.
    Value keep;
    if (op.usesExpertDropout()) {
      APFloat keepProbability(1.0 - op.getExpertDropout().convertToDouble());
      Value init = tb.empty(perToken, rewriter.getI1Type());
      keep = BernoulliMaskOp::create(rewriter, loc, init.getType(),
                                     op.getSeed(), init, keepProbability)
                 .getResult(0);
    }

    Value expertsInit = tb.empty(selected, i32);
    Value gatesInit = tb.empty(selected, elementType);
    auto selection = SelectExpertsOp::create(
        rewriter, loc, TypeRange{expertsInit.getType(), gatesInit.getType()},
        scores, ranking, keep, expertsInit, gatesInit, k,
        op.getSelectionActivation() == SelectionActivation::SoftmaxRenorm);
    Value selectedExperts = selection.getResult(0);
    // y = sum_{e in E_x} s[e] W2^e ReLU(W1^e x)  (Eq. 11)
    HiddenDropout hiddenDropout;
    if (op.usesActivationDropout())
      hiddenDropout = {op.getSeed(),
                       op.getActivationDropout().convertToDouble()};
    Value y =
        buildRoutedMlp(tb, x, selectedExperts, experts, op.getW1(), op.getW2(),
                       selection.getResult(1), Value(), hiddenDropout);

    SmallVector<Value> results = {tb.castTo(y, op.getY().getType())};
    if (op.getAuxLoss()) {
      APFloat gamma = *op.getRegularizerWeight();
      Value init = tb.empty({}, rewriter.getF32Type());
      Operation *reg =
          op.getRegularizer() == Regularizer::Entropy
              ? EntropyRegOp::create(rewriter, loc, init.getType(), logits,
                                     init, gamma) // Eq. 20-21
              : SwitchRegOp::create(rewriter, loc, init.getType(), logits,
                                    selectedExperts, init,
                                    gamma); // Eq. 15-17
      results.push_back(reg->getResult(0));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void mlir::sieve::populateDecomposeMoeFfnPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeMoeFfn>(patterns.getContext());
}
