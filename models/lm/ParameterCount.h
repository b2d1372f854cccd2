//===- ParameterCount.h - a model's parameters by component ---------------===//
//
// `sieve params`: the parameter count of a description, by component,
// computed from the description alone (the same shapes TransformerXL
// allocates), and the d_ff of the dense baseline with the same parameters,
// as the σ-MoE paper matches its baselines (Sec. 6, Tab. 3).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_PARAMETERCOUNT_H
#define SIEVE_MODELS_LM_PARAMETERCOUNT_H

#include "frontends/ModelDescription/ModelDescription.h"

#include <string>
#include <vector>

namespace sieve::lm {

struct ParameterCount {
  int64_t embedding = 0, attention = 0, layerNorms = 0, feedForward = 0,
          output = 0;
  int64_t total() const {
    return embedding + attention + layerNorms + feedForward + output;
  }
  /// The feed-forward parameters per kind ("moe", "dense", ...).
  std::vector<std::pair<std::string, int64_t>> feedForwardByKind;
};

ParameterCount countModelParameters(const model::ModelDescription &model);

/// The d_ff of a dense block with as many parameters as `config` (2
/// d_model d_ff = parameters, rounded to the nearest integer).
int64_t parameterEqualDenseWidth(const model::LayerConfig &config);

/// The feed-forward FLOPs share of a forward pass per token: FFN multiply-
/// adds (the selected experts only) over all of the model's, with the
/// attention over `keys` positions. A MoWE block counts `moweWidth` (the
/// expert width a token meets on average, MoweData.h) when it is > 0, else
/// its first bucket's expert size.
double feedForwardFlopShare(const model::ModelDescription &model, int64_t keys,
                            double moweWidth = 0);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_PARAMETERCOUNT_H
