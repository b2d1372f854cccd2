//===- TensorMaps.h - TMA tensor maps of weights for sm_90a bundles -------===//
//
// sm_90a bundles read an expert's weight tile with TMA (cp.async.bulk.tensor)
// through a tensor map: 128 bytes the driver encodes
// (cuTensorMapEncodeTiled) from the tensor's address, sizes and strides and
// the box one copy brings, in device memory where the kernel reads it. The
// generated host code asks for one before each launch
// (sieve_gpu_tensor_map_bf16/_f16, GpuAbi.cpp); the maps are cached by
// their arguments, since a training step asks for the same weights' maps
// every time.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_TENSORMAPS_H
#define SIEVE_RUNTIME_CUDA_TENSORMAPS_H

#include "runtime/Cuda/Driver.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace sieve::runtime::cuda {

class GpuRuntime;

/// cuTensorMapEncodeTiled's arguments for a weight box.
struct TensorMapArguments {
  int dataType = 0;
  uintptr_t address = 0;
  /// Innermost first, as the driver takes them.
  std::array<uint64_t, 3> sizes{};
  /// Byte strides of dimensions 1 and 2 (dimension 0 is contiguous).
  std::array<uint64_t, 2> strides{};
  std::array<uint32_t, 3> box{};

  bool operator<(const TensorMapArguments &other) const;
};

/// The arguments for a (N_E x rows x columns) weight of 16-bit elements
/// (`dataType` kTensorMapDataTypeBFloat16 or kTensorMapDataTypeFloat16) as
/// a memref descriptor gives it, in boxes of one expert's [boxRows][64].
/// Throws Error naming the TMA requirement the weight breaks (contiguous
/// rows, 16-byte aligned address and row strides, sizes below 2^32, a box
/// of at most 256 rows).
TensorMapArguments weightTensorMapArguments(int dataType, const void *aligned,
                                            int64_t offset,
                                            const int64_t sizes[3],
                                            const int64_t strides[3],
                                            int64_t boxRows);

/// The process's tensor maps in device memory, by their arguments.
class TensorMapCache {
public:
  /// The maps of generated code (never destroyed, like the GpuRuntime).
  static TensorMapCache &shared();
  /// The device address of the map of `arguments`, encoded and copied on
  /// the stream on first use. Throws Error. At most kCapacity maps are
  /// kept: past that, the device is synchronised and all are freed.
  CUdeviceptr get(GpuRuntime &runtime, const TensorMapArguments &arguments,
                  CUstream stream);

  static constexpr size_t kCapacity = 1024;

private:
  struct Entry {
    CUtensorMap map; // the host copy stays alive while the copy is queued
    CUdeviceptr device = 0;
  };
  std::mutex mutex_;
  std::map<TensorMapArguments, std::unique_ptr<Entry>> maps_;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_TENSORMAPS_H
