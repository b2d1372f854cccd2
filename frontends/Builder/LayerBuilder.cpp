//===- LayerBuilder.cpp - the C++ builder API for sieve layer ops ---------===//

#include "frontends/Builder/LayerBuilder.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

SelectionActivation toMlir(::sieve::model::SelectionActivation a) {
  switch (a) {
  case ::sieve::model::SelectionActivation::Sigmoid:
    return SelectionActivation::Sigmoid;
  case ::sieve::model::SelectionActivation::Softmax:
    return SelectionActivation::Softmax;
  case ::sieve::model::SelectionActivation::SoftmaxRenorm:
    return SelectionActivation::SoftmaxRenorm;
  }
  return SelectionActivation::Sigmoid;
}

ExpertSelection toMlir(::sieve::model::ExpertSelection s) {
  return s == ::sieve::model::ExpertSelection::Sinkhorn
             ? ExpertSelection::Sinkhorn
             : ExpertSelection::TopK;
}

Regularizer toMlir(::sieve::model::Regularizer r) {
  switch (r) {
  case ::sieve::model::Regularizer::None:
    return Regularizer::None;
  case ::sieve::model::Regularizer::Entropy:
    return Regularizer::Entropy;
  case ::sieve::model::Regularizer::Switch:
    return Regularizer::Switch;
  }
  return Regularizer::None;
}

PkmActivation toMlir(::sieve::model::PkmActivation a) {
  return a == ::sieve::model::PkmActivation::Softmax ? PkmActivation::Softmax
                                                     : PkmActivation::ReLU;
}

bool usesSeed(const LayerConfig &config, bool train) {
  const auto *moe = std::get_if<MoeFfnConfig>(&config);
  return moe && train &&
         (moe->expertDropout > 0.0 || moe->activationDropout > 0.0);
}

/// The named sizes of a config that become tensor dimensions.
SmallVector<std::pair<std::string, int64_t>>
sizesOf(const LayerConfig &config) {
  SmallVector<std::pair<std::string, int64_t>> sizes = {
      {"d_model", modelWidth(config)}};
  if (const auto *c = std::get_if<DenseFfnConfig>(&config))
    sizes.push_back({"d_ff", c->dFF});
  if (const auto *c = std::get_if<TopKFfnConfig>(&config))
    sizes.push_back({"d_ff", c->dFF});
  if (const auto *c = std::get_if<PkmFfnConfig>(&config)) {
    sizes.push_back({"num_subkeys", c->numSubkeys});
    sizes.push_back({"heads", c->heads});
  }
  if (const auto *c = std::get_if<MoeFfnConfig>(&config)) {
    sizes.push_back({"num_experts", c->numExperts});
    sizes.push_back({"expert_size", c->expertSize});
  }
  if (const auto *c = std::get_if<MoweFfnConfig>(&config))
    for (auto [index, bucket] : llvm::enumerate(c->buckets)) {
      std::string prefix = "bucket " + std::to_string(index) + " ";
      sizes.push_back({prefix + "blocks", bucket.blocks});
      sizes.push_back({prefix + "experts_per_block", bucket.expertsPerBlock});
      sizes.push_back({prefix + "expert_size", bucket.expertSize});
    }
  return sizes;
}

} // namespace

LogicalResult LayerBuilder::checkSizes(const LayerConfig &config) {
  for (const auto &[name, size] : sizesOf(config))
    if (size <= 0)
      return emitError(loc) << name << " must be positive, got " << size;
  return success();
}

SmallVector<RankedTensorType>
LayerBuilder::weightTypes(const LayerConfig &config) const {
  SmallVector<RankedTensorType> types;
  for (const std::vector<int64_t> &shape : weightShapes(config))
    types.push_back(RankedTensorType::get(shape, elementType));
  return types;
}

Operation *LayerBuilder::buildLayer(const LayerConfig &config, Value x,
                                    ValueRange weights, Value routingIds,
                                    Value seed, bool train) {
  Type yType = x.getType();
  if (std::holds_alternative<DenseFfnConfig>(config))
    return DenseFfnOp::create(b, loc, yType, x, weights[0], weights[1]);
  if (const auto *c = std::get_if<TopKFfnConfig>(&config))
    return TopKFfnOp::create(b, loc, yType, x, weights[0], weights[1], c->k);
  if (const auto *c = std::get_if<PkmFfnConfig>(&config))
    return PkmFfnOp::create(b, loc, yType, x, weights[0], weights[1],
                            weights[2], c->numSubkeys, c->heads, c->k,
                            toMlir(c->activation));
  if (const auto *c = std::get_if<MoweFfnConfig>(&config)) {
    SmallVector<Attribute> buckets;
    for (const MoweBucketConfig &bucket : c->buckets)
      buckets.push_back(BucketAttr::get(b.getContext(), bucket.routingIds,
                                        bucket.blocks, bucket.expertsPerBlock,
                                        bucket.expertSize));
    return MoweFfnOp::create(b, loc, yType, x, routingIds, weights,
                             c->routingVocabSize, c->numUnrouted,
                             b.getArrayAttr(buckets));
  }

  const auto &moe = std::get<MoeFfnConfig>(config);
  MLIRContext *ctx = b.getContext();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("num_experts", b.getI64IntegerAttr(moe.numExperts)),
      b.getNamedAttr("expert_size", b.getI64IntegerAttr(moe.expertSize)),
      b.getNamedAttr("k", b.getI64IntegerAttr(moe.k)),
      b.getNamedAttr(
          "selection_activation",
          SelectionActivationAttr::get(ctx, toMlir(moe.selectionActivation))),
      b.getNamedAttr("selection",
                     ExpertSelectionAttr::get(ctx, toMlir(moe.selection))),
      b.getNamedAttr("expert_dropout", b.getF64FloatAttr(moe.expertDropout)),
      b.getNamedAttr("activation_dropout",
                     b.getF64FloatAttr(moe.activationDropout)),
      b.getNamedAttr("regularizer",
                     RegularizerAttr::get(ctx, toMlir(moe.regularizer)))};
  if (moe.sinkhornIterations)
    attrs.push_back(b.getNamedAttr(
        "sinkhorn_iterations", b.getI64IntegerAttr(*moe.sinkhornIterations)));
  SmallVector<Type> resultTypes = {yType};
  if (moe.regularizer != ::sieve::model::Regularizer::None) {
    attrs.push_back(b.getNamedAttr("regularizer_weight",
                                   b.getF64FloatAttr(moe.regularizerWeight)));
    resultTypes.push_back(RankedTensorType::get({}, b.getF32Type()));
  }
  if (train)
    attrs.push_back(b.getNamedAttr("train", b.getUnitAttr()));
  SmallVector<Value> operands = {x, weights[0], weights[1], weights[2]};
  if (seed)
    operands.push_back(seed);
  return MoeFfnOp::create(b, loc, resultTypes, operands, attrs);
}

FailureOr<func::FuncOp> LayerBuilder::buildFunction(ModuleOp module,
                                                    StringRef name,
                                                    const LayerConfig &config,
                                                    bool train) {
  if (failed(checkSizes(config)))
    return failure();
  auto xType = RankedTensorType::get({ShapedType::kDynamic, modelWidth(config)},
                                     elementType);
  SmallVector<Type> argTypes = {xType};
  bool mowe = std::holds_alternative<MoweFfnConfig>(config);
  if (mowe)
    argTypes.push_back(
        RankedTensorType::get({ShapedType::kDynamic}, b.getI32Type()));
  llvm::append_range(argTypes, weightTypes(config));
  bool seeded = usesSeed(config, train);
  if (seeded)
    argTypes.push_back(b.getI64Type());

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, loc, name,
                                   b.getFunctionType(argTypes, TypeRange{}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  ValueRange args = body->getArguments();
  Value x = args.front();
  Value routingIds = mowe ? args[1] : Value();
  size_t firstWeight = mowe ? 2 : 1;
  size_t numWeights = weightShapes(config).size();
  ValueRange weights = args.slice(firstWeight, numWeights);
  Value seed = seeded ? args.back() : Value();

  Operation *layer = buildLayer(config, x, weights, routingIds, seed, train);
  func::ReturnOp::create(b, loc, layer->getResults());
  // Names for the manifest, which the runtime's callers bind by.
  auto text = [&](StringRef s) { return b.getStringAttr(s); };
  func.setArgAttr(0, "sieve.name", text("x"));
  if (mowe)
    func.setArgAttr(1, "sieve.name", text("routing_ids"));
  for (auto [index, weightName] : llvm::enumerate(weightNames(config)))
    func.setArgAttr(firstWeight + index, "sieve.name", text(weightName));
  if (seeded)
    func.setArgAttr(argTypes.size() - 1, "sieve.name", text("seed"));
  func.setFunctionType(
      b.getFunctionType(argTypes, TypeRange(layer->getResultTypes())));
  func.setResultAttr(0, "sieve.name", text("y"));
  if (layer->getNumResults() > 1)
    func.setResultAttr(1, "sieve.name", text("aux_loss"));
  if (failed(mlir::verify(func))) {
    func.erase();
    return failure();
  }
  return func;
}
