//===- FeedForward.h - a model's feed-forward block as compiled kernels ---===//
//
// The feed-forward blocks are what Sieve compiles: each layer's block calls
// the bundle's ffn<i>_<kind>_forward_train / _backward / _forward kernels
// (see frontends/Builder/ModelBuilder.h) through the host executor. The
// training forward's saved values are kept here until the backward.
//
// Kernels compiled with 16-bit tensors (bf16 mixed precision) get 16-bit
// copies of the activations, the incoming gradient and the f32 master
// weights, rounded to nearest even; their outputs and weight gradients are
// widened back to f32, and the weight gradients added to the masters'.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_FEEDFORWARD_H
#define SIEVE_MODELS_LM_FEEDFORWARD_H

#include "models/lm/Parameters.h"

#include "runtime/Bundle/Bundle.h"
#include "runtime/Host/Executor.h"

#include <memory>

namespace sieve::lm {

class FeedForward {
public:
  /// `prefix` names the kernels ("ffn0_moe"); `weights` in operand order.
  FeedForward(std::shared_ptr<runtime::Bundle> bundle, std::string prefix,
              std::vector<Parameter *> weights,
              const runtime::HostExecutor &executor);

  /// Whether the kernels take routing ids (MoWE).
  bool takesRoutingIds() const { return routed; }
  /// The element type of the kernels' activations and weights.
  runtime::DType tensorType() const { return kernelType; }
  /// The routing ids (tokens, i32) the next calls pass to the kernels.
  void setRoutingIds(const runtime::Tensor *ids) { routingIds = ids; }

  /// y = FFN(x) with training behaviour (expert dropout from `seed`);
  /// returns the auxiliary (regulariser) loss, 0 without one.
  float forwardTrain(const runtime::Tensor &x, runtime::Tensor &y,
                     int64_t seed);
  /// The gradient of x (a fresh tensor) and, added to the weights'
  /// gradients, theirs, from dy and the auxiliary loss's gradient.
  runtime::Tensor backward(const runtime::Tensor &x, const runtime::Tensor &dy,
                           float daux);
  /// Inference forward; returns the auxiliary loss too.
  float forward(const runtime::Tensor &x, runtime::Tensor &y);

private:
  /// The kernels' leading inputs: x, the routing ids, the weights; 16-bit
  /// copies go to `converted` (x) and `kernelWeights`.
  std::vector<const runtime::Tensor *> inputs(const runtime::Tensor &x,
                                              runtime::Tensor &converted);

  std::shared_ptr<runtime::Bundle> bundle;
  std::string prefix;
  std::vector<Parameter *> weights;
  const runtime::HostExecutor &executor;
  std::vector<runtime::Tensor> saved;
  // 16-bit copies of the weights, made by a training forward and kept for
  // its backward (the weights do not change in between).
  std::vector<runtime::Tensor> kernelWeights;
  runtime::DType kernelType = runtime::DType::F32;
  // The routing ids of the training forward, for its backward.
  runtime::Tensor savedRoutingIds;
  const runtime::Tensor *routingIds = nullptr;
  bool hasAux = false, routed = false;
};

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_FEEDFORWARD_H
