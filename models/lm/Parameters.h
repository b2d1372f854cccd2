//===- Parameters.h - named trainable tensors and their gradients ---------===//
//
// Every trainable tensor of a model, by a stable name ("layers.3.ffn.w1",
// ...) — the names checkpoints and the PyTorch cross-check use — with its
// gradient beside it.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_PARAMETERS_H
#define SIEVE_MODELS_LM_PARAMETERS_H

#include "runtime/Core/Tensor.h"

#include <deque>
#include <string>
#include <vector>

namespace sieve::lm {

struct Parameter {
  std::string name;
  runtime::Tensor value, grad;
  /// Not updated by the optimiser (fine-tuning with frozen experts).
  bool frozen = false;
  float *data() { return value.data<float>(); }
  float *gradData() { return grad.data<float>(); }
  int64_t numel() const { return value.numel(); }
};

/// The name of layer `layer`'s parameter `what`: "layers.<layer>.<what>".
inline std::string layerParameterName(int64_t layer, const std::string &what) {
  return "layers." + std::to_string(layer) + "." + what;
}

class Parameters {
public:
  /// Adds a zero-initialised f32 parameter; names must be unique.
  Parameter &add(const std::string &name, std::vector<int64_t> shape);
  /// The parameter called `name`; throws runtime::Error when there is none.
  Parameter &at(const std::string &name);
  const Parameter &at(const std::string &name) const;

  std::deque<Parameter> &all() { return parameters; }
  const std::deque<Parameter> &all() const { return parameters; }
  int64_t count() const;
  void zeroGrads();

private:
  // A deque: references to parameters stay valid as more are added.
  std::deque<Parameter> parameters;
};

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_PARAMETERS_H
