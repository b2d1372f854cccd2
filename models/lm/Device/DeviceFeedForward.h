//===- DeviceFeedForward.h - a feed-forward block's kernels on a device ---===//
//
// models/lm/FeedForward.h on device memory: each layer's block calls the
// bundle's ffn<i>_<kind>_forward_train / _backward / _forward kernels
// through DenseOps::callBundle, keeping the training forward's saved
// values on the device until the backward. Kernels compiled on bf16
// tensors get bf16 copies of the activations, the incoming gradient and
// the f32 master weights (DenseOps::toBf16); their outputs are widened and
// their weight gradients added to the masters' in f32.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_DEVICE_DEVICEFEEDFORWARD_H
#define SIEVE_MODELS_LM_DEVICE_DEVICEFEEDFORWARD_H

#include "models/lm/Device/DeviceParameter.h"

namespace sieve::lm::device {

class DeviceFeedForward {
public:
  /// `prefix` names the kernels ("ffn0_moe"); `weights` in operand order.
  /// Throws runtime::Error when the kernels take other weights.
  DeviceFeedForward(std::shared_ptr<runtime::Bundle> bundle, std::string prefix,
                    std::vector<DeviceParameter *> weights, DenseOps &ops);

  bool takesRoutingIds() const { return routed; }
  runtime::DType tensorType() const { return kernelType; }

  /// y (tokens x d_model, f32) = FFN(x) with training behaviour (expert
  /// dropout from `seed`); returns the auxiliary loss (0 without one).
  /// `routingIds`: i32 [tokens] on the device (MoWE), else 0.
  float forwardTrain(Address x, Address y, int64_t tokens, int64_t seed,
                     Address routingIds = 0);
  /// dx (f32, overwritten) from dy and the auxiliary loss's gradient; the
  /// weights' gradients are added to.
  void backward(Address x, Address dy, float daux, Address dx);
  /// Inference forward; returns the auxiliary loss.
  float forward(Address x, Address y, int64_t tokens, Address routingIds = 0);

private:
  runtime::TensorView view(const runtime::ArgSpec &spec, Address address,
                           int64_t tokens) const;
  /// The leading inputs (x, routing ids, weights) as the kernels take them;
  /// 16-bit copies go to `converted` and `kernelWeights`.
  std::vector<runtime::TensorView> inputs(const runtime::FunctionSpec &fn,
                                          Address x, int64_t tokens,
                                          Address routingIds,
                                          std::unique_ptr<Buffer> &converted);
  /// Allocates `fn`'s outputs for `tokens` tokens; their views go to
  /// `views`.
  std::vector<std::unique_ptr<Buffer>>
  allocateOutputs(const runtime::FunctionSpec &fn, int64_t tokens,
                  std::vector<runtime::TensorView> &views);
  /// A one-element output (the auxiliary loss) as an f32 on the host.
  float scalarOutput(const Buffer &buffer);
  float run(const std::string &function, Address x, Address y, int64_t tokens,
            Address routingIds, const std::vector<int64_t> &scalars,
            bool keepSaved);

  std::shared_ptr<runtime::Bundle> bundle;
  std::string prefix;
  std::vector<DeviceParameter *> weights;
  DenseOps &ops;
  runtime::DType kernelType = runtime::DType::F32;
  bool hasAux = false, routed = false;
  // Kept from a training forward for its backward.
  std::vector<std::unique_ptr<Buffer>> saved, kernelWeights;
  std::unique_ptr<Buffer> savedRoutingIds;
  int64_t savedTokens = 0;
};

} // namespace sieve::lm::device

#endif // SIEVE_MODELS_LM_DEVICE_DEVICEFEEDFORWARD_H
