//===- TuningKey.cpp - what a tuned choice is valid for -------------------===//

#include "runtime/Tuning/TuningKey.h"

using namespace sieve::runtime;

int64_t sieve::runtime::tokenBucket(int64_t tokens) {
  int64_t bucket = 1;
  while (bucket < tokens && bucket < (int64_t(1) << 62))
    bucket *= 2;
  return bucket;
}

std::string sieve::runtime::kernelSignature(const Manifest &manifest,
                                            const FunctionSpec &function) {
  std::string text = function.name + "(";
  for (size_t i = 0; i < function.args.size(); ++i)
    text += (i ? ", " : "") + function.args[i].describe();
  text += ") " + manifest.targetName;
  // The precision the tensor cores round to changes the kernels; the tiles
  // are what is being chosen.
  static const char *const precisions[] = {"f32", "tf32", "f16", "bf16"};
  auto precision = manifest.tunables.find("cvmm_precision");
  if (precision != manifest.tunables.end() && precision->second >= 0 &&
      precision->second < 4)
    text += std::string(" ") + precisions[precision->second];
  return text;
}

std::string TuningKey::describe() const {
  return "'" + kernel + "' at " + std::to_string(tokenBucket) +
         " tokens on " + device.name + " (sm_" +
         std::to_string(device.computeCapability) + ", driver " +
         std::to_string(device.driverVersion) + ")";
}
