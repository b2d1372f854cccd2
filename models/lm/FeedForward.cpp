//===- FeedForward.cpp - a model's feed-forward block as compiled kernels -===//

#include "models/lm/FeedForward.h"

#include "runtime/Core/Error.h"

#include <cstring>

using namespace sieve;
using namespace sieve::lm;

FeedForward::FeedForward(std::shared_ptr<runtime::Bundle> bundle,
                         std::string prefix, std::vector<Parameter *> weights,
                         const runtime::HostExecutor &executor)
    : bundle(std::move(bundle)), prefix(std::move(prefix)),
      weights(std::move(weights)), executor(executor) {
  const runtime::FunctionSpec &train =
      this->bundle->function(this->prefix + "_forward_train");
  for (const runtime::ArgSpec &arg : train.args) {
    hasAux |= arg.name == "aux_loss";
    routed |= arg.name == "routing_ids";
    if (arg.name == "x")
      kernelType = arg.dtype;
  }
  // The kernels' weight arguments must be the weights given, in order.
  size_t next = 0;
  for (const runtime::ArgSpec &arg : train.args) {
    if (arg.kind != runtime::ArgKind::Input || arg.name == "x" ||
        arg.name == "routing_ids")
      continue;
    if (next >= this->weights.size() ||
        "ffn." + arg.name != this->weights[next]->name.substr(
                                 this->weights[next]->name.rfind(".ffn.") + 1))
      throw runtime::Error("kernel " + train.name + " takes weight '" +
                           arg.name + "' where the model has " +
                           (next < this->weights.size()
                                ? "'" + this->weights[next]->name + "'"
                                : std::string("none")));
    ++next;
  }
}

namespace {

/// `t` as a kernel argument of `type`: itself, or a copy in `storage`.
const runtime::Tensor &asType(const runtime::Tensor &t, runtime::DType type,
                              runtime::Tensor &storage) {
  if (t.dtype() == type)
    return t;
  storage = t.convertedTo(type);
  return storage;
}

/// A kernel output as f32 (moved when it already is).
runtime::Tensor widened(runtime::Tensor &&t) {
  return t.dtype() == runtime::DType::F32 ? std::move(t)
                                          : t.convertedTo(runtime::DType::F32);
}

} // namespace

std::vector<const runtime::Tensor *>
FeedForward::inputs(const runtime::Tensor &x, runtime::Tensor &converted) {
  std::vector<const runtime::Tensor *> list = {
      &asType(x, kernelType, converted)};
  if (routed) {
    if (!routingIds)
      throw runtime::Error("kernel " + prefix +
                           " takes routing ids (MoWE) and none were given");
    list.push_back(routingIds);
  }
  if (kernelType != runtime::DType::F32 && kernelWeights.empty())
    for (Parameter *w : weights)
      kernelWeights.push_back(w->value.convertedTo(kernelType));
  for (size_t i = 0; i < weights.size(); ++i)
    list.push_back(kernelWeights.empty() ? &weights[i]->value
                                         : &kernelWeights[i]);
  return list;
}

float FeedForward::forwardTrain(const runtime::Tensor &x, runtime::Tensor &y,
                                int64_t seed) {
  const runtime::FunctionSpec &fn = bundle->function(prefix + "_forward_train");
  std::vector<int64_t> scalars;
  if (fn.count(runtime::ArgKind::Scalar) == 1)
    scalars.push_back(seed);
  // The weights may have changed since the last training forward.
  kernelWeights.clear();
  runtime::Tensor converted;
  std::vector<runtime::Tensor> out =
      executor.run(*bundle, fn.name, inputs(x, converted), scalars);
  y = widened(std::move(out[0]));
  if (routed) {
    savedRoutingIds = runtime::Tensor(runtime::DType::I32, routingIds->shape());
    std::memcpy(savedRoutingIds.raw(), routingIds->raw(), routingIds->bytes());
  }
  float aux = hasAux ? widened(std::move(out[1])).data<float>()[0] : 0.0f;
  saved.assign(std::make_move_iterator(out.begin() + (hasAux ? 2 : 1)),
               std::make_move_iterator(out.end()));
  return aux;
}

runtime::Tensor FeedForward::backward(const runtime::Tensor &x,
                                      const runtime::Tensor &dy, float daux) {
  if (routed)
    routingIds = &savedRoutingIds;
  const runtime::FunctionSpec &fn = bundle->function(prefix + "_backward");
  runtime::Tensor convertedX, convertedDy, dauxTensor;
  std::vector<const runtime::Tensor *> list = inputs(x, convertedX);
  for (const runtime::Tensor &value : saved)
    list.push_back(&value);
  list.push_back(&asType(dy, kernelType, convertedDy));
  runtime::Tensor dauxF32 = runtime::Tensor::fromF32({}, {daux});
  if (hasAux)
    list.push_back(&asType(dauxF32, fn.args[list.size()].dtype, dauxTensor));
  std::vector<runtime::Tensor> grads = executor.run(*bundle, fn.name, list);
  saved.clear();
  kernelWeights.clear();
  for (size_t i = 0; i < weights.size(); ++i) {
    runtime::Tensor grad = widened(std::move(grads[i + 1]));
    float *into = weights[i]->gradData();
    const float *from = grad.data<float>();
    const int64_t n = weights[i]->numel();
    for (int64_t j = 0; j < n; ++j)
      into[j] += from[j];
  }
  return widened(std::move(grads[0]));
}

float FeedForward::forward(const runtime::Tensor &x, runtime::Tensor &y) {
  // Inference does not keep copies: the weights change between calls.
  kernelWeights.clear();
  runtime::Tensor converted;
  std::vector<runtime::Tensor> out =
      executor.run(*bundle, prefix + "_forward", inputs(x, converted));
  kernelWeights.clear();
  y = widened(std::move(out[0]));
  return hasAux ? widened(std::move(out[1])).data<float>()[0] : 0.0f;
}
