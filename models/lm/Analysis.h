//===- Analysis.h - expert usage and activation statistics of a model -----===//
//
// What `sieve analyze` measures, from each layer's feed-forward input seen
// in evaluation forwards (no dropout):
//
//  - σ-MoE / Switch / S-BASE blocks: which experts every token selects
//    (the top-K of x W3, the inference ranking of every selection rule),
//    counted per expert and per pair of experts: the usage sorted by
//    popularity (σ-MoE paper Fig. 3, 7), the co-occurrence (Fig. 6) and the
//    dead experts (never selected);
//  - dense blocks: how many channels of u = ReLU(x W1) are active per token
//    (Fig. 1).
//
// The selection and u are recomputed here in plain C++ from the weights,
// independently of the compiled kernels.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_ANALYSIS_H
#define SIEVE_MODELS_LM_ANALYSIS_H

#include "models/lm/TransformerXL.h"

#include <string>
#include <vector>

namespace sieve::lm {

struct LayerStatistics {
  int64_t layer = 0;
  std::string kind; // "moe", "dense", or a kind not analysed
  int64_t tokens = 0;
  /// MoE: experts, K, selections per expert, and for each pair (a, b) the
  /// tokens that selected both (a == b: selections of a); row-major E x E.
  int64_t experts = 0, k = 0;
  std::vector<int64_t> selections, cooccurrence;
  /// Dense: d_ff and, for n = 0..d_ff, the tokens with n active channels.
  int64_t channels = 0;
  std::vector<int64_t> activeChannelHistogram;

  /// MoE: the experts never selected.
  std::vector<int64_t> deadExperts() const;
};

/// Gathers the statistics of every layer while it is alive and attached to
/// a model's evaluation forwards.
class FeedForwardAnalysis {
public:
  explicit FeedForwardAnalysis(TransformerXL &model);
  ~FeedForwardAnalysis();
  FeedForwardAnalysis(const FeedForwardAnalysis &) = delete;
  FeedForwardAnalysis &operator=(const FeedForwardAnalysis &) = delete;

  /// Counts one layer's feed-forward input (tokens x d_model).
  void observe(int64_t layer, const runtime::Tensor &input);

  const std::vector<LayerStatistics> &layers() const { return stats; }

  /// Writes expert_usage.csv, expert_cooccurrence.csv, dead_experts.csv and
  /// active_channels.csv into `directory`; returns the files written.
  std::vector<std::string> writeCsv(const std::string &directory) const;

private:
  TransformerXL &model;
  std::vector<LayerStatistics> stats;
  /// Per layer: the router W3 (d_model x E) or the dense W1 (d_model x d_ff).
  std::vector<const float *> weights;
};

/// Converts a run's metrics.jsonl into training_curve.csv (step, loss,
/// cross_entropy, bits_per_token, aux_loss, lr, grad_norm, tokens_per_s);
/// throws runtime::Error, naming the line, on a malformed one.
void writeTrainingCurveCsv(const std::string &metricsJsonl,
                           const std::string &csvPath);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_ANALYSIS_H
