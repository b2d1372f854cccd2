//===- LayerConfig.h - plain descriptions of the feed-forward layers ------===//
//
// What a model description says about one feed-forward block, as plain C++
// values: the YAML frontend fills these, LayerBuilder turns them into sieve
// ops. Field names follow the papers (d_model, d_ff, N_E, G, K, δ, γ).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_FRONTENDS_BUILDER_LAYERCONFIG_H
#define SIEVE_FRONTENDS_BUILDER_LAYERCONFIG_H

#include "dialects/Sieve/IR/SieveDialect.h"

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

namespace mlir::sieve {

/// Dense MLP (Eq. 1-2).
struct DenseFfnConfig {
  int64_t dModel = 0, dFF = 0;
};

/// Top-K activation (Eq. 6-7).
struct TopKFfnConfig {
  int64_t dModel = 0, dFF = 0, k = 0;
};

/// Product-key memory (Sec. 3.2, App. A.3).
struct PkmFfnConfig {
  int64_t dModel = 0, numSubkeys = 0, heads = 0, k = 0;
  PkmActivation activation = PkmActivation::ReLU;
};

/// σ-MoE and the baselines of Sec. 4 (Eq. 11-22).
struct MoeFfnConfig {
  int64_t dModel = 0, numExperts = 0, expertSize = 0, k = 0;
  SelectionActivation selectionActivation = SelectionActivation::Sigmoid;
  ExpertSelection selection = ExpertSelection::TopK;
  std::optional<int64_t> sinkhornIterations;
  double expertDropout = 0.0;
  Regularizer regularizer = Regularizer::None;
  double regularizerWeight = 0.0;
};

/// One MoWE frequency bucket (MoWE Sec. 2.3, Tab. 6/7).
struct MoweBucketConfig {
  int64_t routingIds = 0, blocks = 0, expertsPerBlock = 0, expertSize = 0;
};

/// Mixture of Word Experts (MoWE Sec. 2.2-2.4).
struct MoweFfnConfig {
  int64_t dModel = 0, routingVocabSize = 0, numUnrouted = 0;
  std::vector<MoweBucketConfig> buckets;
};

using LayerConfig = std::variant<DenseFfnConfig, TopKFfnConfig, PkmFfnConfig,
                                 MoeFfnConfig, MoweFfnConfig>;

/// The shapes of the layer's weights, in the op's operand order.
std::vector<std::vector<int64_t>> weightShapes(const LayerConfig &config);

/// The number of trainable parameters of the layer.
int64_t countParameters(const LayerConfig &config);

/// d_model of the layer.
int64_t modelWidth(const LayerConfig &config);

} // namespace mlir::sieve

#endif // SIEVE_FRONTENDS_BUILDER_LAYERCONFIG_H
