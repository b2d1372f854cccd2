//===- Adam.h - Adam with cosine decay and gradient clipping --------------===//
//
// The σ-MoE paper's optimiser (App. B): Adam, the learning rate warmed up
// linearly over `warmup` steps, then decayed to 0 by a cosine over the
// remaining steps; gradients clipped to a global norm.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_ADAM_H
#define SIEVE_MODELS_LM_ADAM_H

#include "models/lm/Parameters.h"

#include <map>

namespace sieve::lm {

class Adam {
public:
  explicit Adam(Parameters &params, double beta1 = 0.9, double beta2 = 0.999,
                double epsilon = 1e-8);

  /// Clips the gradients to `clip` (global L2 norm; 0: no clipping) and
  /// takes one step with learning rate `lr`. Returns the norm before
  /// clipping.
  double step(double lr, double clip);

  /// The moments, by "adam.m.<parameter>" / "adam.v.<parameter>", and the
  /// step count: what a checkpoint saves.
  std::map<std::string, runtime::Tensor *> state();
  int64_t steps() const { return count; }
  void setSteps(int64_t steps) { count = steps; }

private:
  Parameters &params;
  double beta1, beta2, epsilon;
  std::vector<runtime::Tensor> m, v;
  int64_t count = 0;
};

/// The learning rate of `step` (0-based) of `total`.
double cosineLearningRate(double base, int64_t step, int64_t total,
                          int64_t warmup);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_ADAM_H
