//===- LayerOps.cpp - verifiers of the feed-forward layer ops -------------===//

#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/IR/VerifyUtils.h"

using namespace mlir;
using namespace mlir::sieve;
using namespace mlir::sieve::verify;

static constexpr int64_t kDyn = ShapedType::kDynamic;

/// Shared by dense_ffn and topk_ffn: x (tokens x d_model), w1 (d_model x
/// d_ff), w2 (d_ff x d_model) -> y (tokens x d_model). Returns d_ff.
static FailureOr<int64_t> verifyKeyValueMlp(Operation *op, Value x, Value w1,
                                            Value w2, Value y) {
  int64_t tokens = dimOf(x, 0);
  int64_t dModel = firstStatic({dimOf(x, 1), dimOf(w1, 0), dimOf(w2, 1)});
  int64_t dFF = firstStatic({dimOf(w1, 1), dimOf(w2, 0)});
  if (failed(
          checkShape(op, "x", x, {{tokens, "tokens"}, {dModel, "d_model"}})) ||
      failed(checkShape(op, "w1", w1, {{dModel, "d_model"}, {dFF, "d_ff"}})) ||
      failed(checkShape(op, "w2", w2, {{dFF, "d_ff"}, {dModel, "d_model"}})) ||
      failed(checkShape(op, "result", y,
                        {{tokens, "tokens"}, {dModel, "d_model"}})) ||
      failed(checkSameElementType(
          op, {{"x", x}, {"w1", w1}, {"w2", w2}, {"result", y}})))
    return failure();
  return dFF;
}

//===----------------------------------------------------------------------===//
// dense_ffn / topk_ffn
//===----------------------------------------------------------------------===//

LogicalResult DenseFfnOp::verify() {
  return verifyKeyValueMlp(*this, getX(), getW1(), getW2(), getY());
}

SmallVector<Value> DenseFfnOp::getWeights() { return {getW1(), getW2()}; }

LogicalResult TopKFfnOp::verify() {
  if (failed(checkPositive(*this, "k", getK())))
    return failure();
  FailureOr<int64_t> dFF =
      verifyKeyValueMlp(*this, getX(), getW1(), getW2(), getY());
  if (failed(dFF))
    return failure();
  return checkAtMost(*this, "k", getK(), "d_ff", *dFF);
}

SmallVector<Value> TopKFfnOp::getWeights() { return {getW1(), getW2()}; }

//===----------------------------------------------------------------------===//
// pkm_ffn
//===----------------------------------------------------------------------===//

LogicalResult PkmFfnOp::verify() {
  int64_t subkeys = getNumSubkeys(), heads = getHeads(), k = getK();
  if (failed(checkPositive(*this, "num_subkeys", subkeys)) ||
      failed(checkPositive(*this, "heads", heads)) ||
      failed(checkPositive(*this, "k", k)) ||
      failed(checkAtMost(*this, "k", k, "num_subkeys", subkeys)))
    return failure();

  Value x = getX();
  int64_t tokens = dimOf(x, 0);
  int64_t dModel = firstStatic({dimOf(x, 1), dimOf(getValues(), 1)});
  if (!ShapedType::isDynamic(dModel) && dModel % 2 != 0)
    return emitOpError() << "d_model (" << dModel
                         << ") must be even: product keys split x into two "
                            "halves (Eq. 8)";
  int64_t half = ShapedType::isDynamic(dModel) ? kDyn : dModel / 2;
  SmallVector<Dim> keyShape = {
      {half, "d_model/2"}, {heads, "heads"}, {subkeys, "num_subkeys"}};
  if (failed(checkShape(*this, "x", x,
                        {{tokens, "tokens"}, {dModel, "d_model"}})) ||
      failed(checkShape(*this, "keys_a", getKeysA(), keyShape)) ||
      failed(checkShape(*this, "keys_b", getKeysB(), keyShape)) ||
      failed(checkShape(
          *this, "values", getValues(),
          {{subkeys * subkeys, "num_subkeys^2"}, {dModel, "d_model"}})) ||
      failed(checkShape(*this, "result", getY(),
                        {{tokens, "tokens"}, {dModel, "d_model"}})))
    return failure();
  return checkSameElementType(*this, {{"x", x},
                                      {"keys_a", getKeysA()},
                                      {"keys_b", getKeysB()},
                                      {"values", getValues()},
                                      {"result", getY()}});
}

SmallVector<Value> PkmFfnOp::getWeights() {
  return {getKeysA(), getKeysB(), getValues()};
}

//===----------------------------------------------------------------------===//
// moe_ffn
//===----------------------------------------------------------------------===//

/// The routing hyperparameters of moe_ffn: sizes, selection, dropout,
/// regulariser and the operands and results they require.
static LogicalResult verifyMoeRouting(MoeFfnOp op) {
  int64_t experts = op.getNumExperts(), k = op.getK();
  if (failed(checkPositive(op, "num_experts", experts)) ||
      failed(checkPositive(op, "expert_size", op.getExpertSize())) ||
      failed(checkPositive(op, "k", k)) ||
      failed(checkAtMost(op, "k", k, "num_experts", experts)))
    return failure();

  bool sinkhorn = op.getSelection() == ExpertSelection::Sinkhorn;
  if (std::optional<int64_t> iterations = op.getSinkhornIterations()) {
    if (!sinkhorn)
      return op.emitOpError()
             << "sinkhorn_iterations is only used with selection = sinkhorn";
    if (failed(checkPositive(op, "sinkhorn_iterations", *iterations)))
      return failure();
  }
  if (sinkhorn && op.getSelectionActivation() != SelectionActivation::Sigmoid)
    return op.emitOpError()
           << "selection = sinkhorn (S-BASE, Eq. 18-19) gates experts with "
              "sigmoid scores: selection_activation must be sigmoid, got "
           << stringifySelectionActivation(op.getSelectionActivation());

  double dropout = op.getExpertDropout().convertToDouble();
  if (!(dropout >= 0.0 && dropout < 1.0))
    return op.emitOpError()
           << "expert_dropout must be in [0, 1), got " << dropout;
  double hiddenDropout = op.getActivationDropout().convertToDouble();
  if (!(hiddenDropout >= 0.0 && hiddenDropout < 1.0))
    return op.emitOpError()
           << "activation_dropout must be in [0, 1), got " << hiddenDropout;
  if (op.usesSeed() && !op.getSeed())
    return op.emitOpError()
           << "dropout (expert " << dropout << ", activation " << hiddenDropout
           << ") in training needs a seed operand";
  if (!op.usesSeed() && op.getSeed())
    return op.emitOpError()
           << "seed is only used by dropout in training (train and "
              "expert_dropout or activation_dropout > 0)";

  bool regularized = op.getRegularizer() != Regularizer::None;
  std::optional<APFloat> gamma = op.getRegularizerWeight();
  if (regularized && !gamma)
    return op.emitOpError()
           << "regularizer " << stringifyRegularizer(op.getRegularizer())
           << " needs a regularizer_weight (gamma)";
  if (!regularized && gamma)
    return op.emitOpError()
           << "regularizer_weight is only used with a regularizer";
  if (gamma && failed(checkNonNegative(op, "regularizer_weight",
                                       gamma->convertToDouble())))
    return failure();
  if (regularized && !op.getAuxLoss())
    return op.emitOpError()
           << "regularizer " << stringifyRegularizer(op.getRegularizer())
           << " yields an auxiliary loss: the op needs a "
              "second result of type tensor<f32>";
  if (!regularized && op.getAuxLoss())
    return op.emitOpError()
           << "has an auxiliary loss result but no regularizer";
  return success();
}

LogicalResult MoeFfnOp::verify() {
  if (failed(verifyMoeRouting(*this)))
    return failure();
  int64_t experts = getNumExperts(), groupSize = getExpertSize();
  Value x = getX();
  int64_t tokens = dimOf(x, 0);
  int64_t dModel = firstStatic(
      {dimOf(x, 1), dimOf(getW1(), 1), dimOf(getW2(), 2), dimOf(getW3(), 0)});
  if (failed(checkShape(*this, "x", x,
                        {{tokens, "tokens"}, {dModel, "d_model"}})) ||
      failed(checkShape(*this, "w1", getW1(),
                        {{experts, "num_experts"},
                         {dModel, "d_model"},
                         {groupSize, "expert_size"}})) ||
      failed(checkShape(*this, "w2", getW2(),
                        {{experts, "num_experts"},
                         {groupSize, "expert_size"},
                         {dModel, "d_model"}})) ||
      failed(checkShape(*this, "w3", getW3(),
                        {{dModel, "d_model"}, {experts, "num_experts"}})) ||
      failed(checkShape(*this, "result", getY(),
                        {{tokens, "tokens"}, {dModel, "d_model"}})))
    return failure();
  return checkSameElementType(*this, {{"x", x},
                                      {"w1", getW1()},
                                      {"w2", getW2()},
                                      {"w3", getW3()},
                                      {"result", getY()}});
}

SmallVector<Value> MoeFfnOp::getWeights() {
  return {getW1(), getW2(), getW3()};
}

//===----------------------------------------------------------------------===//
// mowe_ffn
//===----------------------------------------------------------------------===//

SmallVector<BucketAttr> MoweFfnOp::getBucketAttrs() {
  return llvm::to_vector(getBuckets().getAsRange<BucketAttr>());
}

LogicalResult MoweFfnOp::verify() {
  int64_t unrouted = getNumUnrouted();
  if (failed(checkBuckets(*this, getBuckets(), unrouted)))
    return failure();
  SmallVector<BucketAttr> buckets = getBucketAttrs();
  if (failed(checkPositive(*this, "routing_vocab_size", getRoutingVocabSize())))
    return failure();

  int64_t covered = unrouted;
  for (auto [index, bucket] : llvm::enumerate(buckets)) {
    covered += bucket.getRoutingIds();
    if (bucket.getNumExperts() > bucket.getRoutingIds())
      return emitOpError()
             << "bucket " << index << " has " << bucket.getNumExperts()
             << " experts (" << bucket.getBlocks() << " blocks x "
             << bucket.getExpertsPerBlock() << ") for only "
             << bucket.getRoutingIds()
             << " routing ids: the extra experts would never be used";
  }
  if (covered != static_cast<int64_t>(getRoutingVocabSize()))
    return emitOpError() << "num_unrouted (" << unrouted
                         << ") plus the buckets' routing ids ("
                         << covered - unrouted << ") cover " << covered
                         << " ids but routing_vocab_size is "
                         << getRoutingVocabSize();

  OperandRange weights = getExpertWeights();
  if (weights.size() != 2 * buckets.size())
    return emitOpError() << "needs 2 expert weight tensors (w1, w2) per "
                            "bucket: "
                         << buckets.size() << " buckets need "
                         << 2 * buckets.size() << ", got " << weights.size();

  Value x = getX();
  int64_t tokens = firstStatic({dimOf(x, 0), dimOf(getRoutingIds(), 0)});
  int64_t dModel = firstStatic({dimOf(x, 1), dimOf(weights[0], 1)});
  if (failed(checkShape(*this, "x", x,
                        {{tokens, "tokens"}, {dModel, "d_model"}})) ||
      failed(checkShape(*this, "routing_ids", getRoutingIds(),
                        {{tokens, "tokens"}})) ||
      failed(checkShape(*this, "result", getY(),
                        {{tokens, "tokens"}, {dModel, "d_model"}})))
    return failure();

  SmallVector<std::pair<StringRef, Value>> typed = {{"x", x},
                                                    {"result", getY()}};
  SmallVector<std::string> names;
  names.reserve(weights.size());
  for (auto [index, bucket] : llvm::enumerate(buckets)) {
    std::string bucketName = "bucket " + std::to_string(index);
    std::string experts = "experts (" + std::to_string(bucket.getBlocks()) +
                          " blocks x " +
                          std::to_string(bucket.getExpertsPerBlock()) + ")";
    Dim expertDim{bucket.getNumExperts(), experts};
    Dim sizeDim{bucket.getExpertSize(), "expert_size"};
    Dim modelDim{dModel, "d_model"};
    names.push_back(bucketName + " w1");
    if (failed(checkShape(*this, names.back(), weights[2 * index],
                          {expertDim, modelDim, sizeDim})))
      return failure();
    typed.push_back({names.back(), weights[2 * index]});
    names.push_back(bucketName + " w2");
    if (failed(checkShape(*this, names.back(), weights[2 * index + 1],
                          {expertDim, sizeDim, modelDim})))
      return failure();
    typed.push_back({names.back(), weights[2 * index + 1]});
  }
  return checkSameElementType(*this, typed);
}

SmallVector<Value> MoweFfnOp::getWeights() {
  return llvm::to_vector(getExpertWeights());
}
