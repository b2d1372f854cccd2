//===- BundleTuner.h - timing a GPU bundle's tile variants ----------------===//
//
// The measuring half of autotuning, in the runtime so that a GPU node
// without LLVM can tune bundles compiled ahead of time: every function of
// a bundle that has several tile variants is timed in each (KernelTimer:
// CUDA events, warm-up, L2 flushed, median) on random inputs, or on the
// outputs of the functions run before it (the training forward's saved
// tensors feed the backward), writing into scratch outputs that are
// cleared before every call; the fastest is recorded in the tuning
// database under (device, kernel signature, token bucket).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_TUNING_BUNDLETUNER_H
#define SIEVE_RUNTIME_TUNING_BUNDLETUNER_H

#include "runtime/Cuda/GpuExecutor.h"
#include "runtime/Cuda/KernelTimer.h"
#include "runtime/Tuning/TuningDatabase.h"

#include <functional>
#include <string>
#include <vector>

namespace sieve::runtime {

/// The GPU `driver` drives, as tuning keys name it.
DeviceIdentity deviceIdentity(const cuda::Driver &driver);

struct BundleTuneOptions {
  int64_t tokens = 32768;
  cuda::TimingOptions timing;
  /// Times only variants whose results do not vary from run to run (no
  /// split-K atomic adds), for the deterministic mode.
  bool deterministic = false;
  /// Seeds the random inputs (and is every scalar argument).
  uint32_t seed = 42;
  /// Progress lines ("ffn0_moe_backward [2x2x16x1x1]: 1.2345 ms").
  std::function<void(const std::string &)> log;
};

/// One function's outcome: what each variant measured and the fastest.
struct TunedFunction {
  std::string function;
  TuningKey key;
  TunedChoice choice;
  /// The bundle's first variant (the heuristic default).
  std::string defaultTiles;
};

/// The weight-gradient split of a variant's tiles "MxNxKxSxP" (P; 1 where
/// the text has no such field).
int64_t splitKOf(const std::string &tiles);

/// Times and records, as above; functions with one variant are run (their
/// outputs may feed later ones) but not timed. Throws Error.
std::vector<TunedFunction> tuneBundle(const Bundle &bundle,
                                      cuda::GpuExecutor &executor,
                                      TuningDatabase &database,
                                      const BundleTuneOptions &options);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_TUNING_BUNDLETUNER_H
