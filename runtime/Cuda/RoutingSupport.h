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

#include <memory>
#include <string>
#include <vector>

namespace sieve::runtime::cuda {

/// The support kernels' CUDA C++ source.
const std::string &routingSupportSource();

class RoutingSupport {
public:
  /// Compiles (or finds in `cacheDirectory`) and loads the kernels for the
  /// executor's GPU; notes from the cache go to `notes`.
  static std::unique_ptr<RoutingSupport>
  create(GpuExecutor &executor, const std::string &cacheDirectory,
         std::vector<std::string> *notes = nullptr);
  ~RoutingSupport();

  /// experts: i32 [tokens x K], ids outside [0, numExperts) unrouted;
  /// pairs: i32 [tokens * K], the pair ids t * K + k sorted by expert,
  /// stably, unrouted last; offsets: i32 [numExperts + 1], where each
  /// expert's pairs start (offsets[numExperts] = routed pairs). At most
  /// 1023 experts.
  void sortPairsByExpert(const DeviceTensor &experts, int64_t numExperts,
                         DeviceTensor &pairs, DeviceTensor &offsets);

private:
  RoutingSupport(GpuExecutor &executor) : executor_(executor) {}
  GpuExecutor &executor_;
  CUmodule module_ = nullptr;
  CUfunction sortTiles_ = nullptr, scanTiles_ = nullptr,
             scatterTiles_ = nullptr;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_ROUTINGSUPPORT_H
