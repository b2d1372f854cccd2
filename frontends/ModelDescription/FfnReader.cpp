//===- FfnReader.cpp - the `ffn:` mapping of a model description ----------===//
//
// Reads one feed-forward block: `kind` picks the variant, the other keys are
// that variant's parameters (named as in models/README.md). Besides each
// value's own range, the relations the layer ops' verifiers check are
// checked here too, at the key that breaks them, because the runtime reads
// descriptions without the compiler.
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelDescription/FfnReader.h"

using namespace sieve::model;

namespace {
constexpr bool required = true, optional = false;

std::optional<LayerConfig> readDense(YamlFields &fields, int64_t dModel) {
  fields.rejectUnknownKeys({"kind", "d_ff"});
  std::optional<int64_t> dFF = fields.integer("d_ff", required, 1);
  if (fields.hasErrors())
    return std::nullopt;
  return DenseFfnConfig{dModel, *dFF};
}

std::optional<LayerConfig> readTopK(YamlFields &fields, int64_t dModel) {
  fields.rejectUnknownKeys({"kind", "d_ff", "k"});
  std::optional<int64_t> dFF = fields.integer("d_ff", required, 1);
  std::optional<int64_t> k = fields.integer("k", required, 1);
  if (fields.hasErrors())
    return std::nullopt;
  if (*k > *dFF) {
    fields.error("k", "K (" + std::to_string(*k) + ") cannot exceed d_ff (" +
                          std::to_string(*dFF) + ")");
    return std::nullopt;
  }
  return TopKFfnConfig{dModel, *dFF, *k};
}

std::optional<LayerConfig> readPkm(YamlFields &fields, int64_t dModel) {
  fields.rejectUnknownKeys(
      {"kind", "subkeys", "heads", "k", "activation", "dense_init"});
  std::optional<int64_t> subkeys = fields.integer("subkeys", required, 1);
  std::optional<int64_t> heads = fields.integer("heads", required, 1);
  std::optional<int64_t> k = fields.integer("k", required, 1);
  std::optional<PkmActivation> activation = fields.choice<PkmActivation>(
      "activation", optional,
      {{"relu", PkmActivation::ReLU}, {"softmax", PkmActivation::Softmax}});
  std::optional<bool> denseInit = fields.boolean("dense_init", optional);
  if (fields.hasErrors())
    return std::nullopt;
  if (*k > *subkeys) {
    fields.error("k", "K (" + std::to_string(*k) + ") cannot exceed subkeys (" +
                          std::to_string(*subkeys) +
                          "): each half keeps its top K sub-keys (Eq. 8)");
    return std::nullopt;
  }
  if (dModel % 2 != 0) {
    fields.error("kind", "product keys split x into two halves: d_model (" +
                             std::to_string(dModel) + ") must be even");
    return std::nullopt;
  }
  PkmFfnConfig config{dModel, *subkeys, *heads, *k};
  config.activation = activation.value_or(PkmActivation::ReLU);
  config.denseInit = denseInit.value_or(false);
  return config;
}

std::optional<LayerConfig> readMoe(YamlFields &fields, int64_t dModel) {
  fields.rejectUnknownKeys(
      {"kind", "experts", "expert_size", "k", "activation", "selection",
       "sinkhorn_iterations", "expert_dropout", "regularizer",
       "regularizer_weight", "activation_dropout", "init"});
  MoeFfnConfig config;
  config.dModel = dModel;
  std::optional<int64_t> experts = fields.integer("experts", required, 1);
  std::optional<int64_t> expertSize =
      fields.integer("expert_size", required, 1);
  std::optional<int64_t> k = fields.integer("k", required, 1);
  auto activation = fields.choice<SelectionActivation>(
      "activation", optional,
      {{"sigmoid", SelectionActivation::Sigmoid},
       {"softmax", SelectionActivation::Softmax},
       {"softmax_renorm", SelectionActivation::SoftmaxRenorm}});
  auto selection =
      fields.choice<ExpertSelection>("selection", optional,
                                     {{"topk", ExpertSelection::TopK},
                                      {"sinkhorn", ExpertSelection::Sinkhorn}});
  std::optional<int64_t> iterations =
      fields.integer("sinkhorn_iterations", optional, 1);
  std::optional<double> expertDropout =
      fields.number("expert_dropout", optional, 0.0, 1.0, false);
  auto regularizer =
      fields.choice<Regularizer>("regularizer", optional,
                                 {{"none", Regularizer::None},
                                  {"entropy", Regularizer::Entropy},
                                  {"switch", Regularizer::Switch}});
  std::optional<double> weight =
      fields.number("regularizer_weight", optional, 0.0, 1e6, true);
  std::optional<double> activationDropout =
      fields.number("activation_dropout", optional, 0.0, 1.0, false);
  auto init = fields.choice<ExpertInit>("init", optional,
                                        {{"sigma_moe", ExpertInit::SigmaMoe},
                                         {"standard", ExpertInit::Standard}});

  if (fields.hasErrors())
    return std::nullopt;

  config.numExperts = *experts;
  config.expertSize = *expertSize;
  config.k = *k;
  config.selectionActivation =
      activation.value_or(SelectionActivation::Sigmoid);
  config.selection = selection.value_or(ExpertSelection::TopK);
  config.expertDropout = expertDropout.value_or(0.0);
  config.regularizer = regularizer.value_or(Regularizer::None);
  config.activationDropout = activationDropout.value_or(0.0);
  config.init = init.value_or(ExpertInit::SigmaMoe);

  if (config.k > config.numExperts) {
    fields.error("k", "K (" + std::to_string(config.k) +
                          ") cannot exceed the number of experts (" +
                          std::to_string(config.numExperts) + ")");
    return std::nullopt;
  }
  if (config.selection == ExpertSelection::Sinkhorn) {
    // S-BASE balances in the log domain for 3 iterations (σ-MoE Sec. 4).
    config.sinkhornIterations = iterations.value_or(3);
    if (config.selectionActivation != SelectionActivation::Sigmoid) {
      fields.error("activation", "selection: sinkhorn (S-BASE, Eq. 18-19) "
                                 "gates experts with sigmoid");
      return std::nullopt;
    }
  } else if (iterations) {
    fields.error("sinkhorn_iterations", "only used with selection: sinkhorn");
    return std::nullopt;
  }
  if (config.regularizer != Regularizer::None) {
    if (!weight) {
      fields.error("regularizer",
                   "a regularizer needs its weight: add regularizer_weight "
                   "(gamma, Tab. 9)");
      return std::nullopt;
    }
    config.regularizerWeight = *weight;
  } else if (weight) {
    fields.error("regularizer_weight",
                 "only used with regularizer: entropy or switch");
    return std::nullopt;
  }
  return config;
}

std::optional<MoweBucketConfig> readBucket(const YAML::Node &node,
                                           const std::string &where,
                                           DiagnosticSink &sink) {
  YamlFields fields(node, where, sink);
  fields.rejectUnknownKeys(
      {"routing_ids", "blocks", "experts_per_block", "expert_size"});
  std::optional<int64_t> ids = fields.integer("routing_ids", required, 1);
  std::optional<int64_t> blocks = fields.integer("blocks", required, 1);
  std::optional<int64_t> perBlock =
      fields.integer("experts_per_block", required, 1);
  std::optional<int64_t> size = fields.integer("expert_size", required, 1);
  if (fields.hasErrors())
    return std::nullopt;
  if (*blocks * *perBlock > *ids) {
    fields.error("blocks",
                 std::to_string(*blocks * *perBlock) + " experts (" +
                     std::to_string(*blocks) + " blocks x " +
                     std::to_string(*perBlock) + ") for only " +
                     std::to_string(*ids) +
                     " routing ids: the extra experts would never be used");
    return std::nullopt;
  }
  return MoweBucketConfig{*ids, *blocks, *perBlock, *size};
}

std::optional<LayerConfig> readMowe(YamlFields &fields,
                                    const std::string &where, int64_t dModel,
                                    DiagnosticSink &sink) {
  fields.rejectUnknownKeys(
      {"kind", "routing_vocab_size", "unrouted", "buckets"});
  std::optional<int64_t> vocab =
      fields.integer("routing_vocab_size", required, 1);
  std::optional<int64_t> unrouted = fields.integer("unrouted", optional, 0);
  YAML::Node bucketsNode = fields.node("buckets");
  MoweFfnConfig config{dModel, vocab.value_or(0), unrouted.value_or(0), {}};
  if (!bucketsNode.IsDefined()) {
    fields.error("buckets", "a MoWE layer needs at least one frequency "
                            "bucket");
    return std::nullopt;
  }
  if (!bucketsNode.IsSequence() || bucketsNode.size() == 0) {
    fields.error("buckets", "expected a non-empty list of buckets");
    return std::nullopt;
  }
  for (size_t index = 0; index < bucketsNode.size(); ++index) {
    std::optional<MoweBucketConfig> bucket =
        readBucket(bucketsNode[index],
                   where + ".buckets[" + std::to_string(index) + "]", sink);
    if (bucket)
      config.buckets.push_back(*bucket);
  }
  if (fields.hasErrors() || config.buckets.size() != bucketsNode.size())
    return std::nullopt;
  int64_t covered = config.numUnrouted;
  for (const MoweBucketConfig &bucket : config.buckets)
    covered += bucket.routingIds;
  if (covered > config.routingVocabSize) {
    fields.error("routing_vocab_size",
                 "unrouted (" + std::to_string(config.numUnrouted) +
                     ") plus the buckets' routing ids cover " +
                     std::to_string(covered) + " ids, more than the " +
                     std::to_string(config.routingVocabSize) +
                     " of the routing vocabulary");
    return std::nullopt;
  }
  return config;
}
} // namespace

std::optional<LayerConfig> sieve::model::readFfn(const YAML::Node &node,
                                                 const std::string &where,
                                                 int64_t dModel,
                                                 DiagnosticSink &sink) {
  YamlFields fields(node, where, sink);
  if (!node.IsMap())
    return std::nullopt;
  enum class Kind { Dense, TopK, Pkm, Moe, Mowe };
  std::optional<Kind> kind = fields.choice<Kind>("kind", required,
                                                 {{"dense", Kind::Dense},
                                                  {"topk", Kind::TopK},
                                                  {"pkm", Kind::Pkm},
                                                  {"moe", Kind::Moe},
                                                  {"mowe", Kind::Mowe}});
  if (!kind)
    return std::nullopt;
  switch (*kind) {
  case Kind::Dense:
    return readDense(fields, dModel);
  case Kind::TopK:
    return readTopK(fields, dModel);
  case Kind::Pkm:
    return readPkm(fields, dModel);
  case Kind::Moe:
    return readMoe(fields, dModel);
  case Kind::Mowe:
    return readMowe(fields, where, dModel, sink);
  }
  return std::nullopt;
}
