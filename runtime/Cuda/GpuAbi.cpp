//===- GpuAbi.cpp - the GPU runtime ABI that generated host code calls ----===//
//
// The functions MLIR's gpu-to-llvm lowering and the gpu.binary translation
// emit calls to, implemented on Sieve's GpuRuntime: modules are JIT-loaded
// from the bundle's embedded PTX, launches go to the calling thread's
// current stream (set by the GPU executor), streams are the executor's (so
// "create" and "destroy" hand out and keep that one, and "synchronize"
// waits only under SIEVE_CUDA_SYNC=1), and memref allocations come from the
// caching allocator; bundles compiled with --gpu-dispatch cub call the CUB
// sort of the routed pairs (RoutingSupport), sm_90a bundles the TMA tensor
// maps of their weights (TensorMaps). Errors are recorded, never thrown:
// these are called from generated code.
//
//===----------------------------------------------------------------------===//

#include "runtime/Cuda/GpuRuntime.h"
#include "runtime/Cuda/RoutingSupport.h"
#include "runtime/Cuda/TensorMaps.h"

#include "runtime/Core/Error.h"

#include <chrono>
#include <cstdint>
#include <string>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

#define SIEVE_GPU_ABI extern "C" __attribute__((visibility("default")))

namespace {

GpuRuntime *runtimeOrRecord(const char *what) {
  std::string why;
  GpuRuntime *runtime = GpuRuntime::get(&why);
  if (!runtime)
    GpuRuntime::recordError(std::string(what) + ": no GPU: " + why);
  return runtime;
}

/// A memref as generated code's C interface passes it (by pointer).
template <int Rank> struct I32MemRef {
  int32_t *allocated;
  int32_t *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];

  CUdeviceptr address() const {
    return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(aligned) +
                                    sizeof(int32_t) * offset);
  }
  bool contiguous() const {
    int64_t expected = 1;
    for (int d = Rank - 1; d >= 0; --d) {
      if (sizes[d] != 1 && strides[d] != expected)
        return false;
      expected *= sizes[d];
    }
    return true;
  }
};

/// A 3-D memref of 16-bit elements as the C interface passes it.
struct HalfMemRef3 {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[3];
  int64_t strides[3];
};

void *tensorMap(int dataType, HalfMemRef3 *weight, int64_t boxRows) {
  if (GpuRuntime::hasErrors())
    return nullptr;
  GpuRuntime *runtime = runtimeOrRecord("making a TMA tensor map");
  if (!runtime)
    return nullptr;
  try {
    TensorMapArguments arguments =
        weightTensorMapArguments(dataType, weight->aligned, weight->offset,
                                 weight->sizes, weight->strides, boxRows);
    CUdeviceptr map = TensorMapCache::shared().get(*runtime, arguments,
                                                   GpuRuntime::currentStream());
    return reinterpret_cast<void *>(static_cast<uintptr_t>(map));
  } catch (const Error &error) {
    GpuRuntime::recordError(error.what());
    return nullptr;
  }
}

bool checked(GpuRuntime &runtime, CUresult result, const std::string &what) {
  if (result == kSuccess)
    return true;
  GpuRuntime::recordError(what + ": " + runtime.driver().errorText(result));
  return false;
}

} // namespace

SIEVE_GPU_ABI void *mgpuModuleLoadJIT(void *data, int optLevel) {
  GpuRuntime *runtime = runtimeOrRecord("loading a kernel module");
  if (!runtime)
    return nullptr;
  char log[8192] = {};
  CUjit_option options[] = {kJitErrorLogBuffer, kJitErrorLogBufferSizeBytes,
                            kJitOptimizationLevel};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log) - 1),
                    reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  CUmodule module = nullptr;
  CUresult result = runtime->driver().api().cuModuleLoadDataEx(&module, data, 3,
                                                               options, values);
  if (!checked(*runtime, result,
               std::string("loading a kernel module from its PTX") +
                   (log[0] ? std::string(" (") + log + ")" : "")))
    return nullptr;
  return module;
}

SIEVE_GPU_ABI void mgpuModuleUnload(void *module) {
  if (GpuRuntime *runtime = GpuRuntime::get(); runtime && module)
    runtime->driver().api().cuModuleUnload(static_cast<CUmodule>(module));
}

SIEVE_GPU_ABI void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!module)
    return nullptr; // The load already recorded why.
  GpuRuntime *runtime = runtimeOrRecord("finding a kernel");
  if (!runtime)
    return nullptr;
  CUfunction function = nullptr;
  if (!checked(*runtime,
               runtime->driver().api().cuModuleGetFunction(
                   &function, static_cast<CUmodule>(module), name),
               std::string("finding kernel ") + name))
    return nullptr;
  if (runtime->profiling())
    runtime->nameKernel(function, name);
  return function;
}

SIEVE_GPU_ABI void *mgpuStreamCreate() { return GpuRuntime::currentStream(); }

SIEVE_GPU_ABI void mgpuStreamDestroy(void *) {}

SIEVE_GPU_ABI void mgpuStreamSynchronize(void *stream) {
  GpuRuntime *runtime = GpuRuntime::get();
  if (!runtime || !runtime->synchronizeEachLaunch() || GpuRuntime::hasErrors())
    return;
  checked(*runtime,
          runtime->driver().api().cuStreamSynchronize(
              static_cast<CUstream>(stream)),
          "a kernel failed (SIEVE_CUDA_SYNC)");
}

SIEVE_GPU_ABI void mgpuLaunchKernel(void *function, intptr_t gridX,
                                    intptr_t gridY, intptr_t gridZ,
                                    intptr_t blockX, intptr_t blockY,
                                    intptr_t blockZ, int32_t sharedMemory,
                                    void *stream, void **params, void **extra,
                                    size_t /*paramsCount*/) {
  // After an error (a module that did not load, an allocation that failed)
  // nothing more runs: the executor reports the first error.
  if (GpuRuntime::hasErrors())
    return;
  GpuRuntime *runtime = runtimeOrRecord("launching a kernel");
  if (!runtime)
    return;
  if (!function) {
    GpuRuntime::recordError("launching a kernel that was not loaded");
    return;
  }
  const DriverApi &api = runtime->driver().api();
  auto *cuStream = static_cast<CUstream>(stream);
  std::chrono::steady_clock::time_point start;
  if (runtime->profiling()) {
    api.cuStreamSynchronize(cuStream);
    start = std::chrono::steady_clock::now();
  }
  std::string shape = "grid " + std::to_string(gridX) + "x" +
                      std::to_string(gridY) + "x" + std::to_string(gridZ) +
                      " block " + std::to_string(blockX) + "x" +
                      std::to_string(blockY) + "x" + std::to_string(blockZ);
  // Kernels whose tile ring is past 48 KiB (the sm_90a warpgroup MMA
  // kernels with several stages) must raise their limit first; a device
  // with less shared memory refuses here, saying how much was asked.
  if (sharedMemory > kDefaultDynamicSharedBytes &&
      !checked(*runtime,
               api.cuFuncSetAttribute(
                   static_cast<CUfunction>(function),
                   kFunctionAttributeMaxDynamicSharedSizeBytes, sharedMemory),
               "allowing a kernel " + std::to_string(sharedMemory) +
                   " bytes of dynamic shared memory (" + shape + ")"))
    return;
  checked(*runtime,
          runtime->driver().api().cuLaunchKernel(
              static_cast<CUfunction>(function), gridX, gridY, gridZ, blockX,
              blockY, blockZ, sharedMemory, static_cast<CUstream>(stream),
              params, extra),
          "launching a kernel (" + shape + ")");
  if (runtime->profiling()) {
    api.cuStreamSynchronize(cuStream);
    runtime->recordLaunch(function, shape,
                          std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - start)
                              .count());
  }
}

SIEVE_GPU_ABI void *_mlir_memref_to_llvm_alloc(size_t bytes) {
  GpuRuntime *runtime = runtimeOrRecord("allocating a kernel temporary");
  if (!runtime || GpuRuntime::hasErrors())
    return nullptr;
  try {
    return reinterpret_cast<void *>(
        runtime->allocator().allocate(bytes, GpuRuntime::currentStream()));
  } catch (const Error &error) {
    GpuRuntime::recordError(error.what());
    return nullptr;
  }
}

SIEVE_GPU_ABI void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment,
                                                       size_t bytes) {
  // Device blocks are 512-byte aligned, more than any memref asks for.
  if (alignment > 512) {
    GpuRuntime::recordError("a kernel temporary asks for " +
                            std::to_string(alignment) +
                            "-byte alignment; the allocator gives 512");
    return nullptr;
  }
  return _mlir_memref_to_llvm_alloc(bytes);
}

SIEVE_GPU_ABI void _mlir_memref_to_llvm_free(void *pointer) {
  GpuRuntime *runtime = GpuRuntime::get();
  if (!runtime || !pointer)
    return;
  try {
    runtime->allocator().release(reinterpret_cast<uintptr_t>(pointer));
  } catch (const Error &error) {
    GpuRuntime::recordError(error.what());
  }
}

/// sieve.dispatch in bundles compiled with --gpu-dispatch cub: the routed
/// pairs sorted by expert with the runtime's CUB support kernels (NVRTC,
/// cached on disk), enqueued on the calling thread's stream.
SIEVE_GPU_ABI void _mlir_ciface_sieve_gpu_sort_pairs_by_expert(
    I32MemRef<2> *experts, I32MemRef<1> *pairs, I32MemRef<1> *offsets) {
  if (GpuRuntime::hasErrors())
    return;
  GpuRuntime *runtime = runtimeOrRecord("sorting the routed pairs");
  if (!runtime)
    return;
  int64_t numPairs = experts->sizes[0] * experts->sizes[1];
  if (!experts->contiguous() || !pairs->contiguous() ||
      !offsets->contiguous() || pairs->sizes[0] != numPairs) {
    GpuRuntime::recordError(
        "sorting the routed pairs: expected contiguous experts [tokens x K] "
        "and pairs [tokens * K], got experts [" +
        std::to_string(experts->sizes[0]) + " x " +
        std::to_string(experts->sizes[1]) + "], pairs [" +
        std::to_string(pairs->sizes[0]) + "]");
    return;
  }
  try {
    RoutingSupport::shared(*runtime).enqueueSort(
        experts->address(), numPairs, offsets->sizes[0] - 1, pairs->address(),
        offsets->address(), GpuRuntime::currentStream());
  } catch (const Error &error) {
    GpuRuntime::recordError(error.what());
  }
}

/// The tensor map an sm_90a kernel reads a bf16 / f16 weight's boxes of
/// [boxRows][64] through (TMA), in device memory; null after an error.
SIEVE_GPU_ABI void *_mlir_ciface_sieve_gpu_tensor_map_bf16(HalfMemRef3 *weight,
                                                           int64_t boxRows) {
  return tensorMap(kTensorMapDataTypeBFloat16, weight, boxRows);
}

SIEVE_GPU_ABI void *_mlir_ciface_sieve_gpu_tensor_map_f16(HalfMemRef3 *weight,
                                                          int64_t boxRows) {
  return tensorMap(kTensorMapDataTypeFloat16, weight, boxRows);
}
