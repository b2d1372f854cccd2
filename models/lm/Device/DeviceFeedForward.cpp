//===- DeviceFeedForward.cpp - a feed-forward block's kernels on a device -===//

#include "models/lm/Device/DeviceFeedForward.h"

#include "runtime/Core/Error.h"

using namespace sieve;
using namespace sieve::lm::device;
using runtime::ArgKind;
using runtime::ArgSpec;
using runtime::DType;
using runtime::FunctionSpec;
using runtime::TensorView;

namespace {

int64_t countOf(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

} // namespace

DeviceFeedForward::DeviceFeedForward(std::shared_ptr<runtime::Bundle> bundle,
                                     std::string prefix,
                                     std::vector<DeviceParameter *> weights,
                                     DenseOps &ops)
    : bundle(std::move(bundle)), prefix(std::move(prefix)),
      weights(std::move(weights)), ops(ops) {
  const FunctionSpec &train =
      this->bundle->function(this->prefix + "_forward_train");
  size_t next = 0;
  for (const ArgSpec &arg : train.args) {
    hasAux |= arg.name == "aux_loss";
    routed |= arg.name == "routing_ids";
    if (arg.name == "x")
      kernelType = arg.dtype;
    if (arg.kind != ArgKind::Input || arg.name == "x" ||
        arg.name == "routing_ids")
      continue;
    // The kernels' weight arguments must be the weights given, in order.
    const std::string &have =
        next < this->weights.size() ? this->weights[next]->name : "";
    if (have.size() < arg.name.size() + 5 ||
        have.compare(have.size() - arg.name.size() - 5, std::string::npos,
                     ".ffn." + arg.name) != 0 ||
        this->weights[next]->numel() != countOf(arg.shapeFor(0)))
      throw runtime::Error("kernel " + train.name + " takes weight '" +
                           arg.name + "' where the model has " +
                           (have.empty() ? "none" : "'" + have + "'"));
    ++next;
  }
}

TensorView DeviceFeedForward::view(const ArgSpec &spec, Address address,
                                   int64_t tokens) const {
  return {spec.dtype, spec.shapeFor(tokens), reinterpret_cast<void *>(address)};
}

std::vector<TensorView>
DeviceFeedForward::inputs(const FunctionSpec &fn, Address x, int64_t tokens,
                          Address routingIds,
                          std::unique_ptr<Buffer> &converted) {
  std::vector<TensorView> list;
  const ArgSpec &xSpec = fn.args[0];
  if (kernelType != DType::F32) {
    const int64_t n = countOf(xSpec.shapeFor(tokens));
    converted = ops.allocate(kernelType, n);
    ops.toBf16(converted->address(), x, n);
    x = converted->address();
  }
  list.push_back(view(xSpec, x, tokens));
  if (routed) {
    if (!routingIds)
      throw runtime::Error("kernel " + prefix +
                           " takes routing ids (MoWE) and none were given");
    list.push_back(view(fn.args[1], routingIds, tokens));
  }
  if (kernelType != DType::F32 && kernelWeights.empty())
    for (DeviceParameter *w : weights) {
      kernelWeights.push_back(ops.allocate(kernelType, w->numel()));
      ops.toBf16(kernelWeights.back()->address(), w->value->address(),
                 w->numel());
    }
  for (size_t i = 0; i < weights.size(); ++i)
    list.push_back(view(fn.args[list.size()],
                        kernelWeights.empty() ? weights[i]->value->address()
                                              : kernelWeights[i]->address(),
                        tokens));
  return list;
}

std::vector<std::unique_ptr<Buffer>>
DeviceFeedForward::allocateOutputs(const FunctionSpec &fn, int64_t tokens,
                                   std::vector<TensorView> &views) {
  std::vector<std::unique_ptr<Buffer>> outputs;
  for (const ArgSpec &spec : fn.args)
    if (spec.kind == ArgKind::Output) {
      outputs.push_back(
          ops.allocate(spec.dtype, countOf(spec.shapeFor(tokens))));
      views.push_back(view(spec, outputs.back()->address(), tokens));
    }
  return outputs;
}

float DeviceFeedForward::scalarOutput(const Buffer &buffer) {
  if (buffer.dtype() == DType::F32) {
    float value = 0;
    ops.copyOut(&value, buffer.address(), sizeof(float));
    return value;
  }
  uint16_t bits = 0;
  ops.copyOut(&bits, buffer.address(), sizeof(bits));
  return runtime::fromHalfBits(bits, buffer.dtype());
}

float DeviceFeedForward::run(const std::string &function, Address x, Address y,
                             int64_t tokens, Address routingIds,
                             const std::vector<int64_t> &scalars,
                             bool keepSaved) {
  const FunctionSpec &fn = bundle->function(function);
  std::unique_ptr<Buffer> converted;
  std::vector<TensorView> in = inputs(fn, x, tokens, routingIds, converted);
  std::vector<TensorView> out;
  std::vector<std::unique_ptr<Buffer>> outputs =
      allocateOutputs(fn, tokens, out);
  ops.callBundle(*bundle, fn.name, in, scalars, out);
  const int64_t n = outputs[0]->count();
  if (outputs[0]->dtype() == DType::F32)
    ops.copy(y, outputs[0]->address(), n * sizeof(float));
  else
    ops.fromBf16(y, outputs[0]->address(), n);
  float aux = hasAux ? scalarOutput(*outputs[1]) : 0.0f;
  if (keepSaved) {
    saved.clear();
    for (size_t i = hasAux ? 2 : 1; i < outputs.size(); ++i)
      saved.push_back(std::move(outputs[i]));
    savedTokens = tokens;
    if (routed) {
      savedRoutingIds = ops.allocate(DType::I32, tokens);
      ops.copy(savedRoutingIds->address(), routingIds,
               tokens * sizeof(int32_t));
    }
  }
  return aux;
}

float DeviceFeedForward::forwardTrain(Address x, Address y, int64_t tokens,
                                      int64_t seed, Address routingIds) {
  const FunctionSpec &fn = bundle->function(prefix + "_forward_train");
  std::vector<int64_t> scalars;
  if (fn.count(ArgKind::Scalar) == 1)
    scalars.push_back(seed);
  // The weights may have changed since the last training forward.
  kernelWeights.clear();
  return run(fn.name, x, y, tokens, routingIds, scalars, /*keepSaved=*/true);
}

float DeviceFeedForward::forward(Address x, Address y, int64_t tokens,
                                 Address routingIds) {
  kernelWeights.clear();
  float aux = run(prefix + "_forward", x, y, tokens, routingIds, {},
                  /*keepSaved=*/false);
  kernelWeights.clear();
  return aux;
}

void DeviceFeedForward::backward(Address x, Address dy, float daux,
                                 Address dx) {
  const FunctionSpec &fn = bundle->function(prefix + "_backward");
  const int64_t tokens = savedTokens;
  std::unique_ptr<Buffer> convertedX, convertedDy, dauxBuffer;
  std::vector<TensorView> in =
      inputs(fn, x, tokens, savedRoutingIds ? savedRoutingIds->address() : 0,
             convertedX);
  for (const std::unique_ptr<Buffer> &value : saved)
    in.push_back(view(fn.args[in.size()], value->address(), tokens));
  const ArgSpec &dySpec = fn.args[in.size()];
  if (dySpec.dtype != DType::F32) {
    const int64_t n = countOf(dySpec.shapeFor(tokens));
    convertedDy = ops.allocate(dySpec.dtype, n);
    ops.toBf16(convertedDy->address(), dy, n);
    dy = convertedDy->address();
  }
  in.push_back(view(dySpec, dy, tokens));
  if (hasAux) {
    const ArgSpec &dauxSpec = fn.args[in.size()];
    dauxBuffer = ops.allocate(dauxSpec.dtype, 1);
    if (dauxSpec.dtype == DType::F32) {
      ops.copyIn(dauxBuffer->address(), &daux, sizeof(float));
    } else {
      uint16_t bits = runtime::toHalfBits(daux, dauxSpec.dtype);
      ops.copyIn(dauxBuffer->address(), &bits, sizeof(bits));
    }
    in.push_back(view(dauxSpec, dauxBuffer->address(), tokens));
  }
  std::vector<TensorView> out;
  std::vector<std::unique_ptr<Buffer>> grads = allocateOutputs(fn, tokens, out);
  ops.callBundle(*bundle, fn.name, in, {}, out);
  saved.clear();
  kernelWeights.clear();
  savedRoutingIds.reset();
  for (size_t i = 0; i < weights.size(); ++i) {
    const Buffer &grad = *grads[i + 1];
    if (grad.dtype() == DType::F32)
      ops.add(weights[i]->grad->address(), grad.address(), grad.count());
    else
      ops.accumulateBf16(weights[i]->grad->address(), grad.address(),
                         grad.count());
  }
  if (grads[0]->dtype() == DType::F32)
    ops.copy(dx, grads[0]->address(), grads[0]->count() * sizeof(float));
  else
    ops.fromBf16(dx, grads[0]->address(), grads[0]->count());
}
