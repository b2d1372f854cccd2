//===- TensorMaps.cpp - TMA tensor maps of weights for sm_90a bundles -----===//

#include "runtime/Cuda/TensorMaps.h"

#include "runtime/Core/Error.h"
#include "runtime/Cuda/GpuRuntime.h"

#include <string>
#include <tuple>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

namespace {

constexpr uint64_t kElementBytes = 2;
constexpr uint32_t kBoxColumns = 64; // 128 bytes: the 128-byte swizzle
constexpr uint64_t kMaxStride = uint64_t(1) << 40;
constexpr int64_t kMaxSize = int64_t(1) << 32;

std::string shapeText(const int64_t sizes[3]) {
  return "[" + std::to_string(sizes[0]) + " x " + std::to_string(sizes[1]) +
         " x " + std::to_string(sizes[2]) + "]";
}

} // namespace

bool TensorMapArguments::operator<(const TensorMapArguments &other) const {
  return std::tie(dataType, address, sizes, strides, box) <
         std::tie(other.dataType, other.address, other.sizes, other.strides,
                  other.box);
}

TensorMapArguments
cuda::weightTensorMapArguments(int dataType, const void *aligned,
                               int64_t offset, const int64_t sizes[3],
                               const int64_t strides[3], int64_t boxRows) {
  std::string what = "a TMA tensor map of the weight " + shapeText(sizes);
  if (dataType != kTensorMapDataTypeBFloat16 &&
      dataType != kTensorMapDataTypeFloat16)
    throw Error(what + ": elements must be bf16 or f16");
  for (int d = 0; d < 3; ++d)
    if (sizes[d] <= 0 || sizes[d] >= kMaxSize)
      throw Error(what + ": every size must be in [1, 2^32)");
  if (strides[2] != 1)
    throw Error(what + ": rows must be contiguous (stride " +
                std::to_string(strides[2]) + ")");
  if (boxRows <= 0 || boxRows > 256)
    throw Error(what + ": a box has 1 to 256 rows, not " +
                std::to_string(boxRows));
  TensorMapArguments arguments;
  arguments.dataType = dataType;
  arguments.address = reinterpret_cast<uintptr_t>(aligned) +
                      static_cast<uintptr_t>(offset) * kElementBytes;
  if (arguments.address % 16 != 0)
    throw Error(what + ": its address must be 16-byte aligned");
  arguments.sizes = {static_cast<uint64_t>(sizes[2]),
                     static_cast<uint64_t>(sizes[1]),
                     static_cast<uint64_t>(sizes[0])};
  for (int d = 0; d < 2; ++d) {
    int64_t stride = strides[1 - d];
    if (stride <= 0)
      throw Error(what + ": strides must be positive");
    uint64_t bytes = static_cast<uint64_t>(stride) * kElementBytes;
    if (bytes % 16 != 0 || bytes >= kMaxStride)
      throw Error(what + ": each row and expert must start 16 bytes apart " +
                  "(a multiple of 8 elements), got a stride of " +
                  std::to_string(stride) + " elements");
    arguments.strides[d] = bytes;
  }
  arguments.box = {kBoxColumns, static_cast<uint32_t>(boxRows), 1};
  return arguments;
}

TensorMapCache &TensorMapCache::shared() {
  static TensorMapCache *cache = new TensorMapCache();
  return *cache;
}

CUdeviceptr TensorMapCache::get(GpuRuntime &runtime,
                                const TensorMapArguments &arguments,
                                CUstream stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = maps_.find(arguments);
  if (found != maps_.end())
    return found->second->device;
  const Driver &driver = runtime.driver();
  const DriverApi &api = driver.api();
  if (!api.cuTensorMapEncodeTiled)
    throw Error("making a TMA tensor map: the CUDA driver has no "
                "cuTensorMapEncodeTiled (a CUDA 12 or later driver is needed)");
  if (maps_.size() >= kCapacity) {
    // Kernels queued earlier may still read the maps.
    driver.check(api.cuCtxSynchronize(), "waiting to free TMA tensor maps");
    for (auto &[key, entry] : maps_)
      api.cuMemFree(entry->device);
    maps_.clear();
  }
  auto entry = std::make_unique<Entry>();
  uint32_t elementStrides[3] = {1, 1, 1};
  driver.check(api.cuTensorMapEncodeTiled(
                   &entry->map, arguments.dataType, 3,
                   reinterpret_cast<void *>(arguments.address),
                   arguments.sizes.data(), arguments.strides.data(),
                   arguments.box.data(), elementStrides,
                   kTensorMapInterleaveNone, kTensorMapSwizzle128B,
                   kTensorMapL2Promotion128B, kTensorMapFloatOobFillNone),
               "encoding a TMA tensor map");
  driver.check(api.cuMemAlloc(&entry->device, sizeof(CUtensorMap)),
               "allocating a TMA tensor map");
  CUresult copied = api.cuMemcpyHtoDAsync(entry->device, &entry->map,
                                          sizeof(CUtensorMap), stream);
  if (copied != kSuccess) {
    api.cuMemFree(entry->device);
    driver.check(copied, "copying a TMA tensor map to the GPU");
  }
  CUdeviceptr device = entry->device;
  maps_.emplace(arguments, std::move(entry));
  return device;
}
