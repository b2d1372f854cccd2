//===- GpuRuntime.h - the process's GPU state behind the kernels' ABI -----===//
//
// The host side of a GPU bundle is generated code: it loads its PTX modules
// when the bundle is opened, launches kernels and allocates temporaries by
// calling the GPU runtime ABI MLIR's gpu-to-llvm lowering targets
// (mgpuModuleLoadJIT, mgpuLaunchKernel, ...; _mlir_memref_to_llvm_alloc for
// memref.alloc). Sieve implements that ABI itself (GpuAbi.cpp) on top of
// this object: the driver, one caching allocator, the stream each thread
// launches on, and the errors raised inside generated code, where no
// exception may travel; the executor turns them into Errors after a call.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_GPURUNTIME_H
#define SIEVE_RUNTIME_CUDA_GPURUNTIME_H

#include "runtime/Cuda/CachingAllocator.h"
#include "runtime/Cuda/Driver.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sieve::runtime::cuda {

class GpuRuntime {
public:
  /// The runtime, or null without a usable GPU (`whyNot` says why).
  static GpuRuntime *get(std::string *whyNot = nullptr);

  Driver &driver() { return *driver_; }
  CachingAllocator &allocator() { return *allocator_; }

  /// The stream the calling thread's kernels launch on (null: the default
  /// stream).
  static CUstream currentStream();
  static void setCurrentStream(CUstream stream);

  /// Whether every launch is followed by a synchronisation and a check
  /// (SIEVE_CUDA_SYNC=1): slow, but an error names its kernel.
  bool synchronizeEachLaunch() const { return syncEachLaunch_; }

  /// Whether launches are timed one by one (SIEVE_CUDA_PROFILE=1): each is
  /// synchronised before and after, so this measures kernels in isolation
  /// and slows the program.
  bool profiling() const { return profiling_; }
  /// Names a kernel function for the profile (the ABI learns names when
  /// generated code looks kernels up).
  void nameKernel(void *function, const std::string &name);
  /// Adds one timed launch of `function` with the launch's `shape`
  /// ("grid 256x1x1 block 128x1x1").
  void recordLaunch(void *function, const std::string &shape,
                    double milliseconds);
  /// The profile so far, one line per kernel, slowest first; clears it.
  std::string takeProfile();

  /// Records an error raised inside generated code; launches are skipped
  /// from then on until takeErrors() is called.
  static void recordError(const std::string &message);
  static bool hasErrors();
  /// The recorded errors, joined by "; " (empty when none), and clears them.
  static std::string takeErrors();

private:
  GpuRuntime() = default;
  Driver *driver_ = nullptr;
  std::unique_ptr<CachingAllocator> allocator_;
  bool syncEachLaunch_ = false;
  bool profiling_ = false;
  std::mutex profileMutex_;
  std::map<void *, std::string> kernelNames_;
  struct KernelTime {
    int64_t launches = 0;
    double milliseconds = 0;
  };
  std::map<std::string, KernelTime> profile_;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_GPURUNTIME_H
