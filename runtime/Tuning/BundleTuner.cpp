//===- BundleTuner.cpp - timing a GPU bundle's tile variants --------------===//

#include "runtime/Tuning/BundleTuner.h"

#include "runtime/Bundle/RandomInputs.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>

using namespace sieve::runtime;

DeviceIdentity sieve::runtime::deviceIdentity(const cuda::Driver &driver) {
  return {driver.deviceName(), driver.computeCapability(),
          driver.driverVersion()};
}

int64_t sieve::runtime::splitKOf(const std::string &tiles) {
  size_t last = tiles.rfind('x');
  if (last == std::string::npos || tiles.find('x') == last)
    return 1;
  char *end = nullptr;
  long long split = std::strtoll(tiles.c_str() + last + 1, &end, 10);
  return *end == '\0' && split > 0 ? split : 1;
}

namespace {

std::string formatMs(const std::string &what, double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4f ms", ms);
  return what + text;
}

/// Device copies of `inputs` and zeroed scratch outputs of `function`.
struct DeviceArguments {
  std::vector<cuda::DeviceTensor> inputs, outputs;
  std::vector<const cuda::DeviceTensor *> inputPointers;
  std::vector<cuda::DeviceTensor *> outputPointers;

  DeviceArguments(cuda::GpuExecutor &executor, const FunctionSpec &function,
                  const std::vector<const Tensor *> &hostInputs,
                  int64_t tokens) {
    for (const Tensor *input : hostInputs)
      inputs.push_back(executor.upload(*input));
    for (const ArgSpec &arg : function.args)
      if (arg.kind == ArgKind::Output)
        outputs.push_back(executor.allocate(arg.dtype, arg.shapeFor(tokens)));
    for (auto &input : inputs)
      inputPointers.push_back(&input);
    for (auto &output : outputs)
      outputPointers.push_back(&output);
  }

  /// Clears the outputs on the executor's stream: accumulating kernels
  /// start from the same state before every timed call.
  void clearOutputs(cuda::GpuExecutor &executor) {
    for (auto &output : outputs)
      executor.zero(output);
  }
};

} // namespace

std::vector<TunedFunction>
sieve::runtime::tuneBundle(const Bundle &bundle, cuda::GpuExecutor &executor,
                           TuningDatabase &database,
                           const BundleTuneOptions &options) {
  auto log = [&](const std::string &line) {
    if (options.log)
      options.log(line);
  };
  cuda::KernelTimer timer(executor, options.timing);
  DeviceIdentity device = deviceIdentity(executor.runtime().driver());
  std::mt19937 rng(options.seed);
  std::map<std::string, Tensor> named;
  std::vector<TunedFunction> tuned;
  for (const FunctionSpec &function : bundle.manifest().functions) {
    std::vector<const Tensor *> hostInputs;
    std::vector<int64_t> scalars;
    for (const ArgSpec &arg : function.args) {
      if (arg.kind == ArgKind::Scalar)
        scalars.push_back(options.seed);
      if (arg.kind != ArgKind::Input)
        continue;
      if (!named.count(arg.name))
        named.emplace(arg.name, randomInput(arg, options.tokens, rng));
      hostInputs.push_back(&named.at(arg.name));
    }
    // Run once (the default variant) for the outputs later functions take.
    std::vector<Tensor> outputs =
        executor.run(bundle, function.name, hostInputs, scalars);
    size_t next = 0;
    for (const ArgSpec &arg : function.args)
      if (arg.kind == ArgKind::Output)
        named.insert_or_assign(arg.name, std::move(outputs[next++]));
    if (function.variantCount() < 2)
      continue;

    DeviceArguments arguments(executor, function, hostInputs, options.tokens);
    TunedFunction result;
    result.function = function.name;
    result.defaultTiles = function.variants[0].tiles;
    result.choice.repetitions = options.timing.repetitions;
    double best = 0;
    for (size_t variant = 0; variant < function.variants.size(); ++variant) {
      const std::string &tiles = function.variants[variant].tiles;
      if (options.deterministic && splitKOf(tiles) > 1) {
        log(function.name + " [" + tiles + "]: left out (split-K)");
        continue;
      }
      double ms = timer.medianMs(
          [&] { arguments.clearOutputs(executor); },
          [&] {
            executor.call(bundle, function.name, arguments.inputPointers,
                          scalars, arguments.outputPointers, variant);
          });
      result.choice.medianMs[tiles] = ms;
      if (result.choice.tiles.empty() || ms < best) {
        best = ms;
        result.choice.tiles = tiles;
      }
      log(formatMs(function.name + " [" + tiles + "]: ", ms));
    }
    if (result.choice.tiles.empty())
      continue;
    result.key = {device, kernelSignature(bundle.manifest(), function),
                  tokenBucket(options.tokens)};
    log(formatMs(function.name + ": " + result.choice.tiles + " ", best) +
        (result.choice.medianMs.count(result.defaultTiles)
             ? formatMs(" (default ",
                        result.choice.medianMs.at(result.defaultTiles)) +
                   ")"
             : ""));
    database.record(result.key, result.choice);
    tuned.push_back(std::move(result));
  }
  return tuned;
}
