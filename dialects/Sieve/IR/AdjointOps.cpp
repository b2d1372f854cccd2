//===- AdjointOps.cpp - verifiers of the backward-pass primitives ---------===//

#include "dialects/Sieve/IR/GroupingVerifier.h"
#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/IR/VerifyUtils.h"

using namespace mlir;
using namespace mlir::sieve;
using namespace mlir::sieve::verify;

static constexpr int64_t kDyn = ShapedType::kDynamic;

LogicalResult SelectGradOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  Value scores = getScores(), init = getInit();
  int64_t tokens =
      firstStatic({dimOf(scores, 0), dimOf(init, 0), dimOf(getIndices(), 0)});
  int64_t width = firstStatic({dimOf(scores, 1), dimOf(init, 1)});
  int64_t k =
      firstStatic({dimOf(getIndices(), 1), dimOf(getGradSelected(), 1)});
  SmallVector<Dim> full = {{tokens, "tokens"}, {width, "N"}};
  SmallVector<Dim> selected = {{tokens, "tokens"}, {k, "k"}};
  if (failed(checkShape(*this, "scores", scores, full)) ||
      failed(checkShape(*this, "indices", getIndices(), selected)) ||
      failed(checkShape(*this, "grad_selected", getGradSelected(), selected)) ||
      (getKeep() && failed(checkShape(*this, "keep", getKeep(), full))) ||
      failed(checkShape(*this, "init", init, full)))
    return failure();
  return checkSameElementType(*this, {{"scores", scores},
                                      {"grad_selected", getGradSelected()},
                                      {"init", init}});
}

LogicalResult ProductKeyGradOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  Value grad = getGradScores(), a = getGradAInit(), b = getGradBInit();
  int64_t tokens = firstStatic({dimOf(grad, 0), dimOf(a, 0), dimOf(b, 0)});
  int64_t heads = firstStatic({dimOf(grad, 1), dimOf(a, 1), dimOf(b, 1)});
  int64_t k = firstStatic({dimOf(grad, 2), dimOf(getIndices(), 2)});
  int64_t subkeys = firstStatic({dimOf(a, 2), dimOf(b, 2)});
  SmallVector<Dim> selected = {{tokens, "tokens"}, {heads, "heads"}, {k, "k"}};
  SmallVector<Dim> sub = {
      {tokens, "tokens"}, {heads, "heads"}, {subkeys, "num_subkeys"}};
  if (failed(checkShape(*this, "grad_scores", grad, selected)) ||
      failed(checkShape(*this, "indices", getIndices(), selected)) ||
      failed(checkShape(*this, "grad_a_init", a, sub)) ||
      failed(checkShape(*this, "grad_b_init", b, sub)))
    return failure();
  return checkSameElementType(
      *this, {{"grad_scores", grad}, {"grad_a_init", a}, {"grad_b_init", b}});
}

/// The shapes shared by gather_dot and scatter_sum: `rowsValue` and
/// `selectedValues` are `tokens x J`, the `width`-wide token rows and table.
static LogicalResult
verifyGatherShapes(Operation *op, Value tokenRows, StringRef tokenRowsName,
                   Value table, StringRef tableName,
                   ArrayRef<std::pair<StringRef, Value>> selectedValues) {
  int64_t tokens = dimOf(tokenRows, 0), selected = kDyn;
  for (auto [name, value] : selectedValues) {
    tokens = firstStatic({tokens, dimOf(value, 0)});
    selected = firstStatic({selected, dimOf(value, 1)});
  }
  int64_t width = firstStatic({dimOf(tokenRows, 1), dimOf(table, 1)});
  if (failed(checkShape(op, tokenRowsName, tokenRows,
                        {{tokens, "tokens"}, {width, "width"}})) ||
      failed(checkShape(op, tableName, table,
                        {{kDyn, "table rows"}, {width, "width"}})))
    return failure();
  for (auto [name, value] : selectedValues)
    if (failed(checkShape(op, name, value,
                          {{tokens, "tokens"}, {selected, "selected"}})))
      return failure();
  return success();
}

LogicalResult GatherDotOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)) ||
      failed(verifyGatherShapes(
          *this, getGradOutput(), "grad_output", getTable(), "table",
          {{"indices", getIndices()}, {"init", getInit()}})))
    return failure();
  return checkSameElementType(*this, {{"grad_output", getGradOutput()},
                                      {"table", getTable()},
                                      {"init", getInit()}});
}

LogicalResult ScatterSumOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)) ||
      failed(verifyGatherShapes(
          *this, getGradOutput(), "grad_output", getInit(), "init",
          {{"weights", getWeights()}, {"indices", getIndices()}})))
    return failure();
  return checkSameElementType(*this, {{"weights", getWeights()},
                                      {"grad_output", getGradOutput()},
                                      {"init", getInit()}});
}

LogicalResult PairDotOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  Value lhs = getLhs(), rhs = getRhs();
  FailureOr<Grouping> grouping =
      verifyGrouping(*this, getK(), kDyn, getSortedPairs(), getOffsets(),
                     getInit(), {{lhs, getLhsRows()}, {rhs, getRhsRows()}});
  if (failed(grouping))
    return failure();
  int64_t width = firstStatic({dimOf(lhs, 1), dimOf(rhs, 1)});
  if (failed(
          checkShape(*this, "lhs", lhs,
                     {rowsOf(getLhsRows(), grouping->tokens, grouping->pairs),
                      {width, "width"}})) ||
      failed(
          checkShape(*this, "rhs", rhs,
                     {rowsOf(getRhsRows(), grouping->tokens, grouping->pairs),
                      {width, "width"}})))
    return failure();
  return checkSameElementType(
      *this, {{"lhs", lhs}, {"rhs", rhs}, {"init", getInit()}});
}

LogicalResult ScaleRowsOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  Value input = getInput(), init = getInit();
  FailureOr<Grouping> grouping = verifyGrouping(
      *this, getK(), kDyn, getSortedPairs(), getOffsets(), getScale(),
      {{input, getInputRows()}, {init, getOutputRows()}});
  if (failed(grouping))
    return failure();
  int64_t width = firstStatic({dimOf(input, 1), dimOf(init, 1)});
  if (failed(
          checkShape(*this, "input", input,
                     {rowsOf(getInputRows(), grouping->tokens, grouping->pairs),
                      {width, "width"}})) ||
      failed(checkShape(
          *this, "init", init,
          {rowsOf(getOutputRows(), grouping->tokens, grouping->pairs),
           {width, "width"}})))
    return failure();
  return checkSameElementType(
      *this, {{"input", input}, {"scale", getScale()}, {"init", init}});
}

/// The logits and their gradient of a regulariser's adjoint.
static LogicalResult verifyLogitsGrad(Operation *op, Value logits, Value init) {
  SmallVector<Dim> shape = {
      {firstStatic({dimOf(logits, 0), dimOf(init, 0)}), "tokens"},
      {firstStatic({dimOf(logits, 1), dimOf(init, 1)}), "num_experts"}};
  if (failed(checkShape(op, "logits", logits, shape)) ||
      failed(checkShape(op, "init", init, shape)))
    return failure();
  return checkSameElementType(op, {{"logits", logits}, {"init", init}});
}

LogicalResult EntropyRegGradOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)) ||
      failed(checkNonNegative(*this, "weight", getWeight().convertToDouble())))
    return failure();
  return verifyLogitsGrad(*this, getLogits(), getInit());
}

LogicalResult SwitchRegGradOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)) ||
      failed(
          checkNonNegative(*this, "weight", getWeight().convertToDouble())) ||
      failed(verifyLogitsGrad(*this, getLogits(), getInit())))
    return failure();
  return checkShape(*this, "experts", getExperts(),
                    {{dimOf(getLogits(), 0), "tokens"}, {kDyn, "k"}});
}
