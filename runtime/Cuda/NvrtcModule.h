//===- NvrtcModule.h - CUDA C++ kernels built by NVRTC, loaded ------------===//
//
// The support kernels the compiler does not generate (the cuBLAS MLP's
// ReLU, the language model's dense layers) share one life cycle: compile
// the source for the GPU at hand through the NVRTC cache, load the PTX as
// a module, look its kernels up by name, launch them on an executor's
// stream, unload the module at the end.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_NVRTCMODULE_H
#define SIEVE_RUNTIME_CUDA_NVRTCMODULE_H

#include "runtime/Cuda/GpuExecutor.h"

#include <string>
#include <vector>

namespace sieve::runtime::cuda {

class NvrtcModule {
public:
  /// Compiles `source` (named `name` in messages) for the executor's GPU
  /// through the NVRTC cache in `cacheDirectory` and loads it; notes from
  /// the cache go to `notes`. Throws Error saying what is missing (NVRTC)
  /// or what failed (NVRTC's log, the driver's status).
  NvrtcModule(GpuExecutor &executor, const std::string &source,
              const std::string &name, const std::string &cacheDirectory,
              std::vector<std::string> *notes = nullptr);
  ~NvrtcModule();
  NvrtcModule(const NvrtcModule &) = delete;
  NvrtcModule &operator=(const NvrtcModule &) = delete;

  /// The kernel `entry` (an extern "C" __global__ function); throws Error
  /// when the module has none.
  CUfunction function(const std::string &entry) const;

  GpuExecutor &executor() const { return executor_; }

private:
  GpuExecutor &executor_;
  std::string name_;
  CUmodule module_ = nullptr;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_NVRTCMODULE_H
