//===- Parameters.cpp - named trainable tensors and their gradients -------===//

#include "models/lm/Parameters.h"

#include "runtime/Core/Error.h"

#include <cstring>

using namespace sieve;
using namespace sieve::lm;

Parameter &Parameters::add(const std::string &name,
                           std::vector<int64_t> shape) {
  for (const Parameter &p : parameters)
    if (p.name == name)
      throw runtime::Error("parameter '" + name + "' is defined twice");
  parameters.push_back({name, runtime::Tensor(runtime::DType::F32, shape),
                        runtime::Tensor(runtime::DType::F32, shape)});
  return parameters.back();
}

Parameter &Parameters::at(const std::string &name) {
  for (Parameter &p : parameters)
    if (p.name == name)
      return p;
  throw runtime::Error("the model has no parameter '" + name + "'");
}

const Parameter &Parameters::at(const std::string &name) const {
  return const_cast<Parameters *>(this)->at(name);
}

int64_t Parameters::count() const {
  int64_t total = 0;
  for (const Parameter &p : parameters)
    total += p.numel();
  return total;
}

void Parameters::zeroGrads() {
  for (Parameter &p : parameters)
    std::memset(p.grad.raw(), 0, p.grad.bytes());
}
