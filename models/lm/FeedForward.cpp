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

std::vector<const runtime::Tensor *>
FeedForward::inputs(const runtime::Tensor &x) const {
  std::vector<const runtime::Tensor *> list = {&x};
  if (routed) {
    if (!routingIds)
      throw runtime::Error("kernel " + prefix +
                           " takes routing ids (MoWE) and none were given");
    list.push_back(routingIds);
  }
  for (Parameter *w : weights)
    list.push_back(&w->value);
  return list;
}

float FeedForward::forwardTrain(const runtime::Tensor &x, runtime::Tensor &y,
                                int64_t seed) {
  const runtime::FunctionSpec &fn = bundle->function(prefix + "_forward_train");
  std::vector<int64_t> scalars;
  if (fn.count(runtime::ArgKind::Scalar) == 1)
    scalars.push_back(seed);
  std::vector<runtime::Tensor> out =
      executor.run(*bundle, fn.name, inputs(x), scalars);
  y = std::move(out[0]);
  if (routed) {
    savedRoutingIds = runtime::Tensor(runtime::DType::I32, routingIds->shape());
    std::memcpy(savedRoutingIds.raw(), routingIds->raw(), routingIds->bytes());
  }
  float aux = hasAux ? out[1].data<float>()[0] : 0.0f;
  saved.assign(std::make_move_iterator(out.begin() + (hasAux ? 2 : 1)),
               std::make_move_iterator(out.end()));
  return aux;
}

runtime::Tensor FeedForward::backward(const runtime::Tensor &x,
                                      const runtime::Tensor &dy, float daux) {
  if (routed)
    routingIds = &savedRoutingIds;
  std::vector<const runtime::Tensor *> list = inputs(x);
  for (const runtime::Tensor &value : saved)
    list.push_back(&value);
  list.push_back(&dy);
  runtime::Tensor dauxTensor = runtime::Tensor::fromF32({}, {daux});
  if (hasAux)
    list.push_back(&dauxTensor);
  std::vector<runtime::Tensor> grads =
      executor.run(*bundle, prefix + "_backward", list);
  saved.clear();
  for (size_t i = 0; i < weights.size(); ++i) {
    float *into = weights[i]->gradData();
    const float *from = grads[i + 1].data<float>();
    const int64_t n = weights[i]->numel();
    for (int64_t j = 0; j < n; ++j)
      into[j] += from[j];
  }
  return std::move(grads[0]);
}

float FeedForward::forward(const runtime::Tensor &x, runtime::Tensor &y) {
  std::vector<runtime::Tensor> out =
      executor.run(*bundle, prefix + "_forward", inputs(x));
  y = std::move(out[0]);
  return hasAux ? out[1].data<float>()[0] : 0.0f;
}
