//===- Executor.cpp - run a host bundle's functions -----------------------===//

#include "runtime/Host/Executor.h"

#include "runtime/Bundle/EntryCall.h"
#include "runtime/Core/Error.h"

#include <cstdint>
#include <thread>

using namespace sieve::runtime;

HostExecutor::HostExecutor(int threads)
    : threads_(threads > 0
                   ? threads
                   : std::max(1u, std::thread::hardware_concurrency())) {}

void HostExecutor::call(const Bundle &bundle, const std::string &function,
                        const std::vector<const Tensor *> &inputs,
                        const std::vector<int64_t> &scalars,
                        const std::vector<Tensor *> &outputs) const {
  callViews(
      bundle, function, viewsOf(inputs), scalars,
      viewsOf(std::vector<const Tensor *>(outputs.begin(), outputs.end())));
}

void HostExecutor::callViews(const Bundle &bundle, const std::string &function,
                             const std::vector<TensorView> &in,
                             const std::vector<int64_t> &scalars,
                             const std::vector<TensorView> &out) const {
  const FunctionSpec &fn = bundle.function(function);
  if (bundle.isGpu())
    throw Error("bundle " + bundle.directory() + " targets " +
                bundle.manifest().targetName +
                ": run it with the GPU executor, or compile it for 'host'");
  checkArgumentCounts(fn, in.size(), scalars.size(), out.size());

  using SetInt = void (*)(int);
  if (auto setThreads =
          reinterpret_cast<SetInt>(bundle.lookup("omp_set_num_threads")))
    setThreads(threads_);
  // The workers' spin time after a parallel loop: 0 hands the cores back
  // to the caller's own work at once; 200 ms is OpenMP's default.
  if (auto setBlocktime =
          reinterpret_cast<SetInt>(bundle.lookup("kmp_set_blocktime")))
    setBlocktime(releaseCores ? 0 : 200);
  callEntryPoint(bundle.entry(fn), fn, in, scalars, out);
}

std::vector<Tensor>
HostExecutor::run(const Bundle &bundle, const std::string &function,
                  const std::vector<const Tensor *> &inputs,
                  const std::vector<int64_t> &scalars) const {
  const FunctionSpec &fn = bundle.function(function);
  checkArgumentCounts(fn, inputs.size(), scalars.size(),
                      fn.count(ArgKind::Output));
  std::vector<Tensor> outputs;
  std::vector<ArgSpec> outputSpecs;
  for (const ArgSpec &spec : fn.args)
    if (spec.kind == ArgKind::Output)
      outputSpecs.push_back(spec);
  std::vector<std::vector<int64_t>> shapes = outputShapes(fn, viewsOf(inputs));
  for (size_t i = 0; i < shapes.size(); ++i)
    outputs.emplace_back(outputSpecs[i].dtype, shapes[i]);
  std::vector<Tensor *> outputPointers;
  for (Tensor &out : outputs)
    outputPointers.push_back(&out);
  call(bundle, function, inputs, scalars, outputPointers);
  return outputs;
}
