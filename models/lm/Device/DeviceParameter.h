//===- DeviceParameter.h - a trainable tensor in device memory ------------===//

#ifndef SIEVE_MODELS_LM_DEVICE_DEVICEPARAMETER_H
#define SIEVE_MODELS_LM_DEVICE_DEVICEPARAMETER_H

#include "models/lm/Device/DenseOps.h"

#include <string>

namespace sieve::lm::device {

/// An f32 parameter and its gradient on the device, named as the host
/// model's ("layers.3.ffn.w1").
struct DeviceParameter {
  std::string name;
  std::vector<int64_t> shape;
  std::unique_ptr<Buffer> value, grad;
  int64_t numel() const { return value->count(); }
};

} // namespace sieve::lm::device

#endif // SIEVE_MODELS_LM_DEVICE_DEVICEPARAMETER_H
