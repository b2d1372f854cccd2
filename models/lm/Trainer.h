//===- Trainer.h - training and evaluating a language model ---------------===//
//
// `sieve train` and `sieve eval`. Training is deterministic (data position,
// dropout and expert dropout follow from the seed and the step), prints a
// progress line (step, loss, bits per token, tokens/s, ETA), appends one
// JSON line of metrics per step to <out>/metrics.jsonl, and saves
// <out>/checkpoint.safetensors every checkpoint_every steps and at the end
// (atomically: an interrupted run loses at most the steps since), plus the
// trained weights, <out>/model.safetensors. A resumed run continues from
// the checkpoint and computes the same losses as an uninterrupted one.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_TRAINER_H
#define SIEVE_MODELS_LM_TRAINER_H

#include "models/lm/Corpus.h"
#include "models/lm/DeviceTraining.h"
#include "models/lm/TransformerXL.h"

#include <ostream>

namespace sieve::lm {

struct TrainOptions {
  std::string outputDirectory;
  bool resume = false;
  /// Total steps; 0 takes the description's.
  int64_t steps = 0;
  /// Stops after this step as if interrupted (0: never), after saving a
  /// checkpoint; for testing --resume.
  int64_t stopAfter = 0;
  std::ostream *progress = nullptr;
  /// Fine-tuning: start from these trained weights (model.safetensors of
  /// another run) instead of the initialisation.
  std::string initFrom;
  /// Fine-tuning with the MoWE experts frozen (MoWE App. B.0.3): the
  /// optimiser leaves them as they are.
  bool freezeExperts = false;
  /// Train on a device (GPU training): the steps run there, the host model
  /// holds what checkpoints are made of.
  DeviceTraining *device = nullptr;
};

struct TrainResult {
  int64_t firstStep = 0, lastStep = 0, tokens = 0;
  double seconds = 0, lastLoss = 0;
  double tokensPerSecond() const { return seconds > 0 ? tokens / seconds : 0; }
};

TrainResult trainModel(TransformerXL &model, const Corpus &corpus,
                       const TrainOptions &options);

struct EvalResult {
  double crossEntropy = 0; // nats, summed
  int64_t tokens = 0;
  double bitsPerToken() const;
  double perplexity() const;
};

/// The model's loss over `split` read as `batch` streams, with the
/// evaluation memory and no dropout; `maxSegments` > 0 stops early. A MoWE
/// model reads each token's routing id from `routes`.
EvalResult evaluateModel(TransformerXL &model,
                         const std::vector<int32_t> &split, int64_t batch,
                         int64_t maxSegments = 0,
                         const std::vector<int32_t> *routes = nullptr);
/// The same with the model's device program (its parameters uploaded).
EvalResult evaluateModel(DeviceTransformerXL &model,
                         const std::vector<int32_t> &split, int64_t batch,
                         int64_t maxSegments = 0,
                         const std::vector<int32_t> *routes = nullptr);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_TRAINER_H
