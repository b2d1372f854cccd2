//===- LayerConfig.h - plain descriptions of the feed-forward layers ------===//
//
// What a model description says about one feed-forward block, as plain C++
// values (no LLVM, no MLIR): the model-description reader fills these, the
// compiler's LayerBuilder turns them into sieve ops, the runtime sizes
// weights from them. Field names follow the papers (d_model, d_ff, N_E, G,
// K, δ, γ).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_FRONTENDS_MODELDESCRIPTION_LAYERCONFIG_H
#define SIEVE_FRONTENDS_MODELDESCRIPTION_LAYERCONFIG_H

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sieve::model {

/// The activation of the expert scores (σ-MoE paper Sec. 4-5).
enum class SelectionActivation { Sigmoid, Softmax, SoftmaxRenorm };
/// How experts are chosen: top-K, or Sinkhorn-balanced top-K (S-BASE).
enum class ExpertSelection { TopK, Sinkhorn };
/// The load-balancing regulariser: none, σ-MoE's entropy, Switch's.
enum class Regularizer { None, Entropy, Switch };
/// The activation of the selected product-key scores.
enum class PkmActivation { ReLU, Softmax };
/// Expert initialisation: σ-MoE's (as the dense model, Sec. 5) or the
/// standard per-expert fan-in.
enum class ExpertInit { SigmaMoe, Standard };

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
  /// The "+init" variant of App. A.3 (values initialised as a dense W2).
  bool denseInit = false;
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
  /// Standard dropout on the experts' hidden units (Switch's expert dropout,
  /// the σ-MoE "standard dropout" ablation).
  double activationDropout = 0.0;
  ExpertInit init = ExpertInit::SigmaMoe;
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

/// The names of the layer's weights, in operand order: w1, w2 (dense,
/// top-K); keys_a, keys_b, values (PKM); w1, w2, w3 (MoE, w3 the router);
/// w1_b<i>, w2_b<i> per bucket (MoWE).
std::vector<std::string> weightNames(const LayerConfig &config);

/// The number of trainable parameters of the layer.
int64_t countParameters(const LayerConfig &config);

/// d_model of the layer.
int64_t modelWidth(const LayerConfig &config);

/// Every parameter of the layer in one line ("moe N_E=16 G=128 K=4 ..."):
/// two configs are the same layer exactly when their summaries are equal.
std::string summary(const LayerConfig &config);

/// "dense", "topk", "pkm", "moe" or "mowe".
const char *kindName(const LayerConfig &config);

} // namespace sieve::model

#endif // SIEVE_FRONTENDS_MODELDESCRIPTION_LAYERCONFIG_H
