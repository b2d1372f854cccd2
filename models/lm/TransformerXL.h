//===- TransformerXL.h - the papers' language model -----------------------===//
//
// A pre-layer-norm Transformer-XL (as in the σ-MoE paper's experiments)
// built from a model description: token embedding, per layer
//
//   h = h + dropout(RelativeAttention(LN1([memory; h])))
//   h = h + dropout(FFN(LN2(h)))        (the description's block: compiled)
//
// then a final layer norm and the output projection to the vocabulary. The
// memory of each layer is its input over the previous segments (the
// context length in training, eval_memory at evaluation), not
// differentiated through. Every layer's forward and backward is written
// out (Ops, RelativeAttention, FeedForward); this file strings them
// together.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_TRANSFORMERXL_H
#define SIEVE_MODELS_LM_TRANSFORMERXL_H

#include "models/lm/FeedForward.h"
#include "models/lm/Parameters.h"
#include "models/lm/RelativeAttention.h"

#include "frontends/ModelDescription/ModelDescription.h"

#include <functional>

namespace sieve::lm {

/// The memory of every layer for a batch of streams.
struct Memory {
  /// Per layer: batch x length x d_model; `length` <= capacity.
  std::vector<runtime::Tensor> layers;
  int64_t length = 0, capacity = 0;
};

/// The result of a segment: the summed cross-entropy (nats) over its
/// tokens, the auxiliary losses' sum, and the token count.
struct SegmentLoss {
  double crossEntropy = 0.0;
  double auxiliary = 0.0;
  int64_t tokens = 0;
};

/// Throws runtime::Error when a segment's `n` input or target tokens are
/// not all in [0, vocab), or a model needing routing ids got none.
void checkSegment(const int32_t *inputs, const int32_t *targets, int64_t n,
                  int64_t vocab, bool needsRoutingIds,
                  const int32_t *routingIds);

/// Layer `layer`'s feed-forward block among `blocks`: its config and its
/// kernels' prefix ("ffn0_moe").
struct LayerFfn {
  const model::LayerConfig *config;
  std::string prefix;
  bool mowe() const {
    return std::holds_alternative<model::MoweFfnConfig>(*config);
  }
};
LayerFfn layerFfn(const std::vector<model::DistinctFfn> &blocks, int64_t layer);

class TransformerXL {
public:
  /// The model of `description`, its feed-forward blocks run by `kernels`
  /// (compiled from the same description). Parameters start at zero; call
  /// initialize or load them.
  TransformerXL(const model::ModelDescription &description,
                std::shared_ptr<runtime::Bundle> kernels);
  ~TransformerXL();

  Parameters &parameters() { return params; }
  /// The feed-forward kernels the model was built with.
  const std::shared_ptr<runtime::Bundle> &kernelBundle() const {
    return kernels;
  }
  const model::ModelDescription &description() const { return desc; }

  /// The papers' initialisation (σ-MoE paper Sec. 5 and App. B), drawn
  /// from `seed`.
  void initialize(uint64_t seed);

  /// An empty memory for `batch` streams holding up to `capacity` steps.
  Memory emptyMemory(int64_t batch, int64_t capacity) const;

  /// Training step on one segment (batch x context tokens): forward with
  /// dropout drawn from (seed, step), then backward; gradients of the loss
  /// mean CE + sum of auxiliary losses are added to the parameters'. The
  /// memory advances. A model with MoWE layers needs each input token's
  /// routing id (models/lm/WordRouter.h; -1: not routed).
  SegmentLoss trainSegment(const int32_t *inputs, const int32_t *targets,
                           int64_t batch, Memory &memory, uint64_t seed,
                           uint64_t step, const int32_t *routingIds = nullptr);
  /// Forward without dropout (evaluation); the memory advances. With
  /// `probabilities`, also every token's next-token distribution (tokens x
  /// vocabulary, row-major).
  SegmentLoss evaluateSegment(const int32_t *inputs, const int32_t *targets,
                              int64_t batch, int64_t tokens, Memory &memory,
                              const int32_t *routingIds = nullptr,
                              std::vector<float> *probabilities = nullptr);

  /// The element type the feed-forward kernels compute in: f32, or bf16
  /// (or f16) for mixed precision; the parameters are f32 either way.
  runtime::DType ffnTensorType() const;

  /// Whether some layer is MoWE (and so needs routing ids).
  bool needsRoutingIds() const { return routed; }
  /// The MoWE layers' shared expert weights ("mowe.ffn.*"); empty without.
  const std::vector<Parameter *> &expertWeights() const { return experts; }

  /// Called in every forward with each layer's feed-forward input (tokens x
  /// d_model, after the layer norm): what the analyses route again.
  using FeedForwardObserver =
      std::function<void(int64_t layer, const runtime::Tensor &input)>;
  void observeFeedForwardInputs(FeedForwardObserver observer) {
    feedForwardObserver = std::move(observer);
  }

private:
  struct Layer;
  struct Activations;
  SegmentLoss forward(const int32_t *inputs, const int32_t *targets,
                      const int32_t *routingIds, int64_t batch, int64_t tokens,
                      Memory &memory, bool train, uint64_t seed, uint64_t step,
                      Activations &acts);

  model::ModelDescription desc;
  std::shared_ptr<runtime::Bundle> kernels;
  runtime::HostExecutor executor;
  Parameters params;
  std::vector<Layer> layers;
  int64_t vocab, dModel;
  bool routed = false;
  std::vector<Parameter *> experts;
  FeedForwardObserver feedForwardObserver;
};

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_TRANSFORMERXL_H
