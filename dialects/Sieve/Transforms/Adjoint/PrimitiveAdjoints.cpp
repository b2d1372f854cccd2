//===- PrimitiveAdjoints.cpp - adjoints of the routed primitives ----------===//
//
// Each forward primitive states its reverse-mode derivative in terms of
// other primitives (SieveAdjointOps.td). Routing decisions (indices,
// dispatch, masks, Sinkhorn's ranking) are piecewise constant and carry no
// gradient; the gates, the selected scores and the regularisers do.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/Transforms/Adjoint/AdjointOpInterfaceImpl.h"
#include "dialects/Sieve/Transforms/Adjoint/AdjointState.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

template <typename Concrete, typename OpTy>
using Model = AdjointOpInterface::ExternalModel<Concrete, OpTy>;

/// Y = init + CVMM(X, W) [* scale] (Eq. 26):
///   dX     = CVMM(dY, W^T) [* scale], rows swapped
///   dW     = cvmm_weight_grad(X, dY [* scale])
///   dscale = pair_dot(X, G) with G = CVMM(dY, W^T) unscaled, in sorted rows
///            (then dX = scale_rows(G)).
struct CvmmAdjoint : Model<CvmmAdjoint, CvmmOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto cvmm = cast<CvmmOp>(op);
    Location loc = op->getLoc();
    Value x = cvmm.getInput(), w = cvmm.getWeight(), scale = cvmm.getScale();
    Value pairs = cvmm.getSortedPairs(), offsets = cvmm.getOffsets();
    Value grad = state.gradient(cvmm.getResult(0));
    int64_t k = cvmm.getK();
    RowOrder inRows = cvmm.getInputRows(), outRows = cvmm.getOutputRows();
    bool transposed = cvmm.getTransposeWeight();
    state.addGradient(b, loc, cvmm.getInit(), grad);

    if (state.isActive(w)) {
      Value acc = state.accumulator(b, loc, w);
      // dW[e] = X_row^T (s dY_row), or its transpose for a transposed W.
      auto weightGrad =
          transposed
              ? CvmmWeightGradOp::create(b, loc, TypeRange{acc.getType()}, grad,
                                         x, pairs, offsets, scale, acc, k,
                                         outRows, inRows)
              : CvmmWeightGradOp::create(b, loc, TypeRange{acc.getType()}, x,
                                         grad, pairs, offsets, scale, acc, k,
                                         inRows, outRows);
      state.setGradient(w, weightGrad.getResult(0));
    }

    bool scaleActive = scale && state.isActive(scale);
    if (!scaleActive) {
      if (state.isActive(x)) {
        Value acc = state.accumulator(b, loc, x);
        state.setGradient(x, CvmmOp::create(b, loc, TypeRange{acc.getType()},
                                            grad, w, pairs, offsets, scale, acc,
                                            k, outRows, inRows, !transposed)
                                 .getResult(0));
      }
      return success();
    }

    // G: the unscaled gradient of the input rows, one per sorted pair.
    auto xType = cast<RankedTensorType>(x.getType());
    SmallVector<OpFoldResult> sizes = {tensor::getMixedSize(b, loc, pairs, 0),
                                       tensor::getMixedSize(b, loc, x, 1)};
    Value zero = arith::ConstantOp::create(
        b, loc, b.getFloatAttr(xType.getElementType(), 0.0));
    Value empty =
        tensor::EmptyOp::create(b, loc, sizes, xType.getElementType());
    Value gInit = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    Value g = CvmmOp::create(b, loc, TypeRange{gInit.getType()}, grad, w, pairs,
                             offsets, Value(), gInit, k, outRows,
                             RowOrder::Sorted, !transposed)
                  .getResult(0);
    Value scaleAcc = state.accumulator(b, loc, scale);
    state.setGradient(scale,
                      PairDotOp::create(b, loc, TypeRange{scaleAcc.getType()},
                                        x, g, pairs, offsets, scaleAcc, k,
                                        inRows, RowOrder::Sorted)
                          .getResult(0));
    if (state.isActive(x)) {
      Value acc = state.accumulator(b, loc, x);
      state.setGradient(x, ScaleRowsOp::create(b, loc, TypeRange{acc.getType()},
                                               g, scale, pairs, offsets, acc, k,
                                               RowOrder::Sorted, inRows)
                               .getResult(0));
    }
    return success();
  }
};

/// The gates are the selected scores (times the dropout mask, optionally
/// renormalised): sieve.select_grad scatters their gradient back.
struct SelectExpertsAdjoint : Model<SelectExpertsAdjoint, SelectExpertsOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto select = cast<SelectExpertsOp>(op);
    Value scores = select.getScores();
    Value gatesGrad = state.gradient(select.getResult(1));
    if (!state.isActive(scores) || !gatesGrad)
      return success();
    Location loc = op->getLoc();
    Value acc = state.accumulator(b, loc, scores);
    state.setGradient(scores,
                      SelectGradOp::create(b, loc, TypeRange{acc.getType()},
                                           scores, select.getResult(0),
                                           gatesGrad, select.getKeep(), acc,
                                           select.getRenormalize())
                          .getResult(0));
    return success();
  }
};

struct TopKAdjoint : Model<TopKAdjoint, TopKOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto topk = cast<TopKOp>(op);
    Value input = topk.getInput();
    Value valuesGrad = state.gradient(topk.getResult(0));
    if (!state.isActive(input) || !valuesGrad)
      return success();
    if (cast<ShapedType>(input.getType()).getRank() != 2)
      return op->emitOpError() << "sieve-generate-backward differentiates "
                                  "sieve.topk only on rank-2 inputs";
    Location loc = op->getLoc();
    Value acc = state.accumulator(b, loc, input);
    state.setGradient(input,
                      SelectGradOp::create(b, loc, TypeRange{acc.getType()},
                                           input, topk.getResult(1), valuesGrad,
                                           Value(), acc, false)
                          .getResult(0));
    return success();
  }
};

struct ProductKeyTopKAdjoint : Model<ProductKeyTopKAdjoint, ProductKeyTopKOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto topk = cast<ProductKeyTopKOp>(op);
    Value a = topk.getScoresA(), c = topk.getScoresB();
    Value scoresGrad = state.gradient(topk.getResult(0));
    if ((!state.isActive(a) && !state.isActive(c)) || !scoresGrad)
      return success();
    Location loc = op->getLoc();
    Value accA =
        state.isActive(a) ? state.accumulator(b, loc, a) : zerosLike(b, loc, a);
    Value accB =
        state.isActive(c) ? state.accumulator(b, loc, c) : zerosLike(b, loc, c);
    auto grad = ProductKeyGradOp::create(
        b, loc, TypeRange{accA.getType(), accB.getType()}, scoresGrad,
        topk.getResult(1), accA, accB);
    if (state.isActive(a))
      state.setGradient(a, grad.getResult(0));
    if (state.isActive(c))
      state.setGradient(c, grad.getResult(1));
    return success();
  }
};

/// Y = init + sum_j w[n, j] T[i_j]: dw = gather_dot, dT = scatter_sum.
struct GatherSumAdjoint : Model<GatherSumAdjoint, GatherSumOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto gather = cast<GatherSumOp>(op);
    Location loc = op->getLoc();
    Value weights = gather.getWeights(), table = gather.getTable();
    Value grad = state.gradient(gather.getResult(0));
    state.addGradient(b, loc, gather.getInit(), grad);
    if (state.isActive(weights)) {
      Value acc = state.accumulator(b, loc, weights);
      state.setGradient(
          weights, GatherDotOp::create(b, loc, TypeRange{acc.getType()}, grad,
                                       gather.getIndices(), table, acc)
                       .getResult(0));
    }
    if (state.isActive(table)) {
      Value acc = state.accumulator(b, loc, table);
      state.setGradient(
          table, ScatterSumOp::create(b, loc, TypeRange{acc.getType()}, weights,
                                      gather.getIndices(), grad, acc)
                     .getResult(0));
    }
    return success();
  }
};

struct EntropyRegAdjoint : Model<EntropyRegAdjoint, EntropyRegOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto reg = cast<EntropyRegOp>(op);
    Value logits = reg.getLogits();
    if (!state.isActive(logits))
      return success();
    Location loc = op->getLoc();
    Value acc = state.accumulator(b, loc, logits);
    state.setGradient(logits, EntropyRegGradOp::create(
                                  b, loc, TypeRange{acc.getType()}, logits,
                                  state.gradient(reg.getResult(0)), acc,
                                  reg.getWeightAttr())
                                  .getResult(0));
    return success();
  }
};

struct SwitchRegAdjoint : Model<SwitchRegAdjoint, SwitchRegOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto reg = cast<SwitchRegOp>(op);
    Value logits = reg.getLogits();
    if (!state.isActive(logits))
      return success();
    Location loc = op->getLoc();
    Value acc = state.accumulator(b, loc, logits);
    state.setGradient(
        logits, SwitchRegGradOp::create(
                    b, loc, TypeRange{acc.getType()}, logits, reg.getExperts(),
                    state.gradient(reg.getResult(0)), acc, reg.getWeightAttr())
                    .getResult(0));
    return success();
  }
};

} // namespace

void mlir::sieve::registerPrimitiveAdjoints(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, SieveDialect *) {
    CvmmOp::attachInterface<CvmmAdjoint>(*ctx);
    SelectExpertsOp::attachInterface<SelectExpertsAdjoint>(*ctx);
    TopKOp::attachInterface<TopKAdjoint>(*ctx);
    ProductKeyTopKOp::attachInterface<ProductKeyTopKAdjoint>(*ctx);
    GatherSumOp::attachInterface<GatherSumAdjoint>(*ctx);
    EntropyRegOp::attachInterface<EntropyRegAdjoint>(*ctx);
    SwitchRegOp::attachInterface<SwitchRegAdjoint>(*ctx);
  });
}
