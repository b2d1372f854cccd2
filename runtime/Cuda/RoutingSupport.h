//===- RoutingSupport.h - sorting the routed pairs with CUB on the GPU ----===//
//
// A support kernel the compiler does not generate: the stable sort of the
// (token, slot) pairs by expert with per-expert offsets, sieve.dispatch's
// result, built from CUB's block primitives (BlockRadixSort per tile of
// 1024 pairs, BlockScan over the tiles' bucket counts, a scatter), compiled
// at run time by NVRTC for the GPU at hand and cached on disk.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_ROUTINGSUPPORT_H
#define SIEVE_RUNTIME_CUDA_ROUTINGSUPPORT_H

#include "runtime/Cuda/GpuExecutor.h"
#include "runtime/Cuda/GpuRuntime.h"

#include <memory>
#include <string>
#include <vector>

namespace sieve::runtime::cuda {

/// The support kernels' CUDA C++ source.
const std::string &routingSupportSource();

class RoutingSupport {
public:
  /// Compiles (or finds in `cacheDirectory`) and loads the kernels for the
  /// runtime's GPU; notes from the cache go to `notes`. Throws Error.
  static std::unique_ptr<RoutingSupport>
  create(GpuRuntime &runtime, const std::string &cacheDirectory,
         std::vector<std::string> *notes = nullptr);
  /// The same, sorting on `executor`'s stream in sortPairsByExpert.
  static std::unique_ptr<RoutingSupport>
  create(GpuExecutor &executor, const std::string &cacheDirectory,
         std::vector<std::string> *notes = nullptr);
  /// The process's instance for generated code (bundles compiled with
  /// `--gpu-dispatch cub`), made on first use with its NVRTC cache in
  /// defaultCacheDirectory(). Throws Error.
  static RoutingSupport &shared(GpuRuntime &runtime);
  /// $SIEVE_CACHE_DIR, else $XDG_CACHE_HOME/sieve, else ~/.cache/sieve
  /// (the kernel cache's), with "/nvrtc" appended.
  static std::string defaultCacheDirectory();
  ~RoutingSupport();

  /// The most experts the sort handles.
  static int64_t maxExperts();

  /// experts: i32 [tokens x K], ids outside [0, numExperts) unrouted;
  /// pairs: i32 [tokens * K], the pair ids t * K + k sorted by expert,
  /// stably, unrouted last; offsets: i32 [numExperts + 1], where each
  /// expert's pairs start (offsets[numExperts] = routed pairs). At most
  /// maxExperts() experts. Runs on the executor's stream and waits.
  void sortPairsByExpert(const DeviceTensor &experts, int64_t numExperts,
                         DeviceTensor &pairs, DeviceTensor &offsets);

  /// The same sort on device addresses (`numPairs` experts, pairs; the
  /// offsets' numExperts + 1), enqueued on `stream` without waiting: what
  /// generated code calls. Throws Error on bad sizes or a failed launch.
  void enqueueSort(CUdeviceptr experts, int64_t numPairs, int64_t numExperts,
                   CUdeviceptr pairs, CUdeviceptr offsets, CUstream stream);

private:
  explicit RoutingSupport(GpuRuntime &runtime) : runtime_(runtime) {}
  void launch(CUfunction function, unsigned grid, unsigned block,
              unsigned sharedBytes, void **arguments, CUstream stream,
              const std::string &what);

  GpuRuntime &runtime_;
  GpuExecutor *executor_ = nullptr;
  CUmodule module_ = nullptr;
  CUfunction sortTiles_ = nullptr, scanTiles_ = nullptr,
             scatterTiles_ = nullptr;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_ROUTINGSUPPORT_H
