//===- PrimitiveOps.cpp - verifiers of the routed primitives --------------===//

#include "dialects/Sieve/IR/GroupingVerifier.h"
#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/IR/VerifyUtils.h"

using namespace mlir;
using namespace mlir::sieve;
using namespace mlir::sieve::verify;

static constexpr int64_t kDyn = ShapedType::kDynamic;

//===----------------------------------------------------------------------===//
// cvmm / cvmm_weight_grad
//===----------------------------------------------------------------------===//

LogicalResult CvmmOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  Value input = getInput(), weight = getWeight(), result = getInit();
  bool transposed = getTransposeWeight();
  if (failed(checkShape(*this, "weight", weight,
                        {{kDyn, "num_experts"},
                         {kDyn, transposed ? "output width" : "input width"},
                         {kDyn, transposed ? "input width" : "output width"}})))
    return failure();
  FailureOr<Grouping> grouping = verifyGrouping(
      *this, getK(), dimOf(weight, 0), getSortedPairs(), getOffsets(),
      getScale(), {{input, getInputRows()}, {result, getOutputRows()}});
  if (failed(grouping))
    return failure();
  int64_t inWidth =
      firstStatic({dimOf(input, 1), dimOf(weight, transposed ? 2 : 1)});
  int64_t outWidth =
      firstStatic({dimOf(result, 1), dimOf(weight, transposed ? 1 : 2)});
  Dim in{inWidth, "input width"}, out{outWidth, "output width"};
  Dim experts{grouping->experts, "num_experts"};
  if (failed(checkShape(*this, "weight", weight,
                        transposed ? SmallVector<Dim>{experts, out, in}
                                   : SmallVector<Dim>{experts, in, out})) ||
      failed(checkShape(
          *this, "input", input,
          {rowsOf(getInputRows(), grouping->tokens, grouping->pairs), in})) ||
      failed(checkShape(
          *this, "init", result,
          {rowsOf(getOutputRows(), grouping->tokens, grouping->pairs), out})))
    return failure();
  SmallVector<std::pair<StringRef, Value>> typed = {
      {"input", input}, {"weight", weight}, {"init", result}};
  if (Value scale = getScale())
    typed.push_back({"scale", scale});
  return checkSameElementType(*this, typed);
}

LogicalResult CvmmWeightGradOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  Value input = getInput(), grad = getGradOutput(), result = getInit();
  FailureOr<Grouping> grouping = verifyGrouping(
      *this, getK(), dimOf(result, 0), getSortedPairs(), getOffsets(),
      getScale(), {{input, getInputRows()}, {grad, getGradRows()}});
  if (failed(grouping))
    return failure();
  Dim in{firstStatic({dimOf(input, 1), dimOf(result, 1)}), "input width"};
  Dim out{firstStatic({dimOf(grad, 1), dimOf(result, 2)}), "output width"};
  if (failed(checkShape(
          *this, "input", input,
          {rowsOf(getInputRows(), grouping->tokens, grouping->pairs), in})) ||
      failed(checkShape(
          *this, "grad_output", grad,
          {rowsOf(getGradRows(), grouping->tokens, grouping->pairs), out})) ||
      failed(checkShape(*this, "init", result,
                        {{grouping->experts, "num_experts"}, in, out})))
    return failure();
  SmallVector<std::pair<StringRef, Value>> typed = {
      {"input", input}, {"grad_output", grad}, {"init", result}};
  if (Value scale = getScale())
    typed.push_back({"scale", scale});
  return checkSameElementType(*this, typed);
}

//===----------------------------------------------------------------------===//
// Routing
//===----------------------------------------------------------------------===//

LogicalResult SelectExpertsOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  int64_t k = getK();
  Value scores = getScores();
  int64_t tokens = firstStatic({dimOf(scores, 0), dimOf(getExpertsInit(), 0)});
  int64_t experts = dimOf(scores, 1);
  SmallVector<Dim> scoreShape = {{tokens, "tokens"}, {experts, "num_experts"}};
  SmallVector<Dim> selectedShape = {{tokens, "tokens"}, {k, "k"}};
  if (failed(checkPositive(*this, "k", k)) ||
      failed(checkShape(*this, "scores", scores, scoreShape)) ||
      failed(checkAtMost(*this, "k", k, "num_experts", experts)) ||
      (getRanking() &&
       failed(checkShape(*this, "ranking", getRanking(), scoreShape))) ||
      (getKeep() && failed(checkShape(*this, "keep", getKeep(), scoreShape))) ||
      failed(
          checkShape(*this, "experts_init", getExpertsInit(), selectedShape)) ||
      failed(checkShape(*this, "gates_init", getGatesInit(), selectedShape)))
    return failure();
  return checkSameElementType(
      *this, {{"scores", scores}, {"gates_init", getGatesInit()}});
}

LogicalResult SinkhornOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  Value logits = getLogits(), init = getInit();
  SmallVector<Dim> shape = {
      {firstStatic({dimOf(logits, 0), dimOf(init, 0)}), "tokens"},
      {firstStatic({dimOf(logits, 1), dimOf(init, 1)}), "num_experts"}};
  if (failed(checkPositive(*this, "iterations", getIterations())) ||
      failed(checkShape(*this, "logits", logits, shape)) ||
      failed(checkShape(*this, "init", init, shape)))
    return failure();
  return checkSameElementType(*this, {{"logits", logits}, {"init", init}});
}

LogicalResult DispatchOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  int64_t experts = getNumExperts();
  if (failed(checkPositive(*this, "num_experts", experts)) ||
      failed(checkShape(*this, "experts", getExperts(),
                        {{kDyn, "tokens"}, {kDyn, "k"}})))
    return failure();
  int64_t pairs = mulDims(dimOf(getExperts(), 0), dimOf(getExperts(), 1));
  if (failed(checkShape(*this, "pairs_init", getPairsInit(),
                        {{pairs, "tokens * k"}})) ||
      failed(checkShape(*this, "offsets_init", getOffsetsInit(),
                        {{experts + 1, "num_experts + 1"}})))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Top-K, product keys, gather-sum
//===----------------------------------------------------------------------===//

LogicalResult TopKOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  int64_t k = getK();
  if (failed(checkPositive(*this, "k", k)))
    return failure();
  auto inputType = cast<ShapedType>(getInput().getType());
  if (inputType.getRank() < 1)
    return emitOpError() << "input must have rank >= 1, got " << inputType;
  int64_t rank = inputType.getRank();
  SmallVector<Dim> selected;
  for (int64_t d = 0; d + 1 < rank; ++d)
    selected.push_back({inputType.getDimSize(d), "input dim"});
  selected.push_back({k, "k"});
  if (failed(checkAtMost(*this, "k", k, "the last dimension",
                         inputType.getDimSize(rank - 1))) ||
      failed(checkShape(*this, "values_init", getValuesInit(), selected)) ||
      failed(checkShape(*this, "indices_init", getIndicesInit(), selected)))
    return failure();
  return checkSameElementType(
      *this, {{"input", getInput()}, {"values_init", getValuesInit()}});
}

LogicalResult ProductKeyTopKOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  int64_t k = getK();
  Value a = getScoresA(), b = getScoresB();
  int64_t tokens = firstStatic({dimOf(a, 0), dimOf(b, 0)});
  int64_t heads = firstStatic({dimOf(a, 1), dimOf(b, 1)});
  int64_t subkeys = firstStatic({dimOf(a, 2), dimOf(b, 2)});
  SmallVector<Dim> subShape = {
      {tokens, "tokens"}, {heads, "heads"}, {subkeys, "num_subkeys"}};
  SmallVector<Dim> selected = {{tokens, "tokens"}, {heads, "heads"}, {k, "k"}};
  if (failed(checkPositive(*this, "k", k)) ||
      failed(checkShape(*this, "scores_a", a, subShape)) ||
      failed(checkShape(*this, "scores_b", b, subShape)) ||
      failed(checkAtMost(*this, "k", k, "num_subkeys", subkeys)) ||
      failed(checkShape(*this, "scores_init", getScoresInit(), selected)) ||
      failed(checkShape(*this, "indices_init", getIndicesInit(), selected)))
    return failure();
  return checkSameElementType(
      *this,
      {{"scores_a", a}, {"scores_b", b}, {"scores_init", getScoresInit()}});
}

LogicalResult GatherSumOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)))
    return failure();
  Value weights = getWeights(), table = getTable(), result = getInit();
  int64_t tokens = firstStatic({dimOf(weights, 0), dimOf(result, 0)});
  int64_t selected = firstStatic({dimOf(weights, 1), dimOf(getIndices(), 1)});
  int64_t width = firstStatic({dimOf(table, 1), dimOf(result, 1)});
  if (failed(checkShape(*this, "weights", weights,
                        {{tokens, "tokens"}, {selected, "selected"}})) ||
      failed(checkShape(*this, "indices", getIndices(),
                        {{tokens, "tokens"}, {selected, "selected"}})) ||
      failed(checkShape(*this, "table", table,
                        {{kDyn, "table rows"}, {width, "width"}})) ||
      failed(checkShape(*this, "init", result,
                        {{tokens, "tokens"}, {width, "width"}})))
    return failure();
  return checkSameElementType(
      *this, {{"weights", weights}, {"table", table}, {"init", result}});
}

//===----------------------------------------------------------------------===//
// Regularisers
//===----------------------------------------------------------------------===//

LogicalResult EntropyRegOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)) ||
      failed(checkNonNegative(*this, "weight", getWeight().convertToDouble())))
    return failure();
  return checkShape(*this, "logits", getLogits(),
                    {{kDyn, "tokens"}, {kDyn, "num_experts"}});
}

LogicalResult SwitchRegOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)) ||
      failed(
          checkNonNegative(*this, "weight", getWeight().convertToDouble())) ||
      failed(checkShape(*this, "logits", getLogits(),
                        {{kDyn, "tokens"}, {kDyn, "num_experts"}})))
    return failure();
  return checkShape(*this, "experts", getExperts(),
                    {{dimOf(getLogits(), 0), "tokens"}, {kDyn, "k"}});
}

//===----------------------------------------------------------------------===//
// MoWE routing, randomness
//===----------------------------------------------------------------------===//

LogicalResult WordRouteOp::verify() {
  if (failed(detail::verifyValueOrBufferSemantics(*this)) ||
      failed(checkBuckets(*this, getBuckets(), getNumUnrouted())))
    return failure();
  size_t buckets = getBuckets().size();
  if (getInits().size() != buckets)
    return emitOpError() << "has " << getInits().size() << " inits but "
                         << buckets
                         << " buckets: it routes into one init per bucket";
  int64_t tokens = dimOf(getRoutingIds(), 0);
  if (failed(checkShape(*this, "routing_ids", getRoutingIds(),
                        {{tokens, "tokens"}})))
    return failure();
  for (Value experts : getInits())
    if (failed(
            checkShape(*this, "init", experts, {{tokens, "tokens"}, {1, "1"}})))
      return failure();
  return success();
}

LogicalResult BernoulliMaskOp::verify() {
  double keep = getKeepProbability().convertToDouble();
  if (!(keep >= 0.0 && keep <= 1.0))
    return emitOpError() << "keep_probability must be in [0, 1], got " << keep;
  return success();
}
