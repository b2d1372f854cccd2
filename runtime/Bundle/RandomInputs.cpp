//===- RandomInputs.cpp - random arguments for a bundle's functions -------===//

#include "runtime/Bundle/RandomInputs.h"

#include "runtime/Core/DType.h"
#include "runtime/Core/Error.h"

#include <algorithm>
#include <cmath>

using namespace sieve::runtime;

Tensor sieve::runtime::randomInput(const ArgSpec &spec, int64_t tokens,
                                   std::mt19937 &rng, int64_t vocabulary) {
  Tensor tensor(spec.dtype, spec.shapeFor(tokens));
  if (spec.dtype == DType::F32) {
    std::normal_distribution<float> normal(0.0f, 0.5f);
    float *data = tensor.data<float>();
    for (int64_t i = 0; i < tensor.numel(); ++i)
      data[i] = normal(rng);
  } else if (spec.dtype == DType::BF16 || spec.dtype == DType::F16) {
    std::normal_distribution<float> normal(0.0f, 0.5f);
    auto *data = static_cast<uint16_t *>(tensor.raw());
    for (int64_t i = 0; i < tensor.numel(); ++i)
      data[i] = toHalfBits(normal(rng), spec.dtype);
  } else if (spec.dtype == DType::I32 && spec.name == "routing_ids") {
    std::uniform_real_distribution<double> exponent(
        0.0, std::log(static_cast<double>(vocabulary)));
    int32_t *data = tensor.data<int32_t>();
    for (int64_t i = 0; i < tensor.numel(); ++i)
      data[i] =
          std::min<int32_t>(static_cast<int32_t>(vocabulary - 1),
                            static_cast<int32_t>(std::exp(exponent(rng))) - 1);
  } else if (spec.dtype == DType::I32) {
    std::uniform_int_distribution<int32_t> ids(0, 63);
    int32_t *data = tensor.data<int32_t>();
    for (int64_t i = 0; i < tensor.numel(); ++i)
      data[i] = ids(rng);
  } else {
    throw Error("no random inputs for " + spec.describe());
  }
  return tensor;
}
