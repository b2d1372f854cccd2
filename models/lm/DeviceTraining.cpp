//===- DeviceTraining.cpp - a training run's state on a device ------------===//

#include "models/lm/DeviceTraining.h"

#include "runtime/Core/Error.h"

#include <cmath>

using namespace sieve;
using namespace sieve::lm;
using runtime::DType;

DeviceTraining::DeviceTraining(DeviceTransformerXL &program, int64_t batch,
                               int64_t memoryCapacity, double beta1,
                               double beta2, double epsilon)
    : program_(program), memory_(program.emptyMemory(batch, memoryCapacity)),
      beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {
  device::DenseOps &ops = program.operations();
  for (const device::DeviceParameter &p : program.parameters()) {
    m_.push_back(ops.allocate(DType::F32, p.numel()));
    v_.push_back(ops.allocate(DType::F32, p.numel()));
  }
}

void DeviceTraining::upload(TransformerXL &host, Adam &adam,
                            const TrainingState &state) {
  device::DenseOps &ops = program_.operations();
  program_.upload(host.parameters());
  std::map<std::string, runtime::Tensor *> moments = adam.state();
  std::vector<device::DeviceParameter> &params = program_.parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    const runtime::Tensor &m = *moments.at("adam.m." + params[i].name);
    const runtime::Tensor &v = *moments.at("adam.v." + params[i].name);
    ops.copyIn(m_[i]->address(), m.raw(), m.bytes());
    ops.copyIn(v_[i]->address(), v.raw(), v.bytes());
  }
  count_ = adam.steps();
  for (size_t l = 0; l < state.memory.layers.size(); ++l)
    ops.copyIn(memory_.layers[l]->address(), state.memory.layers[l].raw(),
               state.memory.layers[l].bytes());
  memory_.length = state.memory.length;
}

void DeviceTraining::download(TransformerXL &host, Adam &adam,
                              TrainingState &state) {
  device::DenseOps &ops = program_.operations();
  program_.download(host.parameters());
  std::map<std::string, runtime::Tensor *> moments = adam.state();
  std::vector<device::DeviceParameter> &params = program_.parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    runtime::Tensor &m = *moments.at("adam.m." + params[i].name);
    runtime::Tensor &v = *moments.at("adam.v." + params[i].name);
    ops.copyOut(m.raw(), m_[i]->address(), m.bytes());
    ops.copyOut(v.raw(), v_[i]->address(), v.bytes());
  }
  adam.setSteps(count_);
  for (size_t l = 0; l < state.memory.layers.size(); ++l)
    ops.copyOut(state.memory.layers[l].raw(), memory_.layers[l]->address(),
                state.memory.layers[l].bytes());
  state.memory.length = memory_.length;
}

SegmentLoss DeviceTraining::trainSegment(const int32_t *inputs,
                                         const int32_t *targets, int64_t batch,
                                         uint64_t seed, uint64_t step,
                                         const int32_t *routingIds) {
  program_.zeroGrads();
  return program_.trainSegment(inputs, targets, batch, memory_, seed, step,
                               routingIds);
}

double DeviceTraining::adamStep(double lr, double clip,
                                const Parameters &host) {
  device::DenseOps &ops = program_.operations();
  std::vector<device::DeviceParameter> &params = program_.parameters();
  const auto &hostParams = host.all();
  if (hostParams.size() != params.size())
    throw runtime::Error("the host and device models differ in parameters");
  double squares = 0;
  for (size_t i = 0; i < params.size(); ++i)
    if (!hostParams[i].frozen)
      squares += ops.sumSquares(params[i].grad->address(), params[i].numel());
  double norm = std::sqrt(squares);
  float scale = clip > 0 && norm > clip ? static_cast<float>(clip / norm) : 1;
  ++count_;
  float correction1 = float(1.0 - std::pow(beta1_, double(count_)));
  float correction2 = float(1.0 - std::pow(beta2_, double(count_)));
  for (size_t i = 0; i < params.size(); ++i)
    if (!hostParams[i].frozen)
      ops.adam(params[i].value->address(), m_[i]->address(), v_[i]->address(),
               params[i].grad->address(), params[i].numel(), scale, float(lr),
               float(beta1_), float(beta2_), float(epsilon_), correction1,
               correction2);
  return norm;
}
