//===- TuningKey.h - what a tuned choice is valid for ---------------------===//
//
// A kernel's best tile variant depends on the GPU (its name and compute
// capability), the driver that compiled the PTX, the kernel itself (its
// function and argument types in a bundle for one target) and the token
// count. Token counts are bucketed to powers of two, so that a choice made
// at 30,000 tokens serves 32,768 and nothing is retuned (or recompiled)
// for every batch size.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_TUNING_TUNINGKEY_H
#define SIEVE_RUNTIME_TUNING_TUNINGKEY_H

#include "runtime/Bundle/Manifest.h"

#include <cstdint>
#include <string>

namespace sieve::runtime {

/// The GPU a choice was measured on.
struct DeviceIdentity {
  std::string name;          // "NVIDIA H100 80GB HBM3"
  int computeCapability = 0; // 90
  int driverVersion = 0;     // cuDriverGetVersion: 13000 is 13.0

  bool operator==(const DeviceIdentity &other) const {
    return name == other.name &&
           computeCapability == other.computeCapability &&
           driverVersion == other.driverVersion;
  }
};

/// The smallest power of two at least `tokens` (and at least 1).
int64_t tokenBucket(int64_t tokens);

/// A function of a bundle as the tuner sees it: its name, the target its
/// kernels were compiled for, the tunables they were compiled with, and its
/// arguments ("sigma_moe_forward(bf16[tokens x 512], ...) sm_90a bf16").
std::string kernelSignature(const Manifest &manifest,
                            const FunctionSpec &function);

struct TuningKey {
  DeviceIdentity device;
  std::string kernel; // kernelSignature
  int64_t tokenBucket = 0;

  bool operator==(const TuningKey &other) const {
    return device == other.device && kernel == other.kernel &&
           tokenBucket == other.tokenBucket;
  }
  /// One line naming every part, for messages.
  std::string describe() const;
};

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_TUNING_TUNINGKEY_H
