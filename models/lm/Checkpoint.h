//===- Checkpoint.h - a training run's state as safetensors ---------------===//
//
// A training checkpoint holds everything a resumed run needs to continue
// exactly as if it had not stopped: the parameters (under their own names,
// so PyTorch can load them), Adam's moments ("adam.m.<name>",
// "adam.v.<name>"), each layer's XL memory ("memory.<layer>") and, as
// metadata, the step, the memory's length and the feed-forward kernels'
// precision (a bf16 run resumes in bf16). The data position and every
// random draw follow from the step.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_CHECKPOINT_H
#define SIEVE_MODELS_LM_CHECKPOINT_H

#include "models/lm/Adam.h"
#include "models/lm/TransformerXL.h"

namespace sieve::lm {

struct TrainingState {
  int64_t step = 0;
  Memory memory;
};

void saveCheckpoint(const std::string &path, TransformerXL &model, Adam &adam,
                    const TrainingState &state);
/// Restores a checkpoint saved for the same model; throws runtime::Error
/// naming the file and the tensor that is missing or misshapen.
void loadCheckpoint(const std::string &path, TransformerXL &model, Adam &adam,
                    TrainingState &state);

/// The parameters alone (the trained model).
void saveWeights(const std::string &path, TransformerXL &model);
/// Loads parameters saved by saveWeights or saveCheckpoint.
void loadWeights(const std::string &path, TransformerXL &model);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_CHECKPOINT_H
