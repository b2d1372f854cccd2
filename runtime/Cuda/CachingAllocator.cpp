//===- CachingAllocator.cpp - reuse device memory without the driver ------===//

#include "runtime/Cuda/CachingAllocator.h"

#include "runtime/Core/Error.h"

#include <algorithm>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

namespace {
constexpr size_t kSmallStep = 512;
constexpr size_t kSmallLimit = size_t(1) << 20;
constexpr size_t kLargeStep = size_t(2) << 20;

std::string mebibytes(size_t bytes) {
  return std::to_string((bytes + (1 << 19)) >> 20) + " MiB";
}
} // namespace

CachingAllocator::CachingAllocator(AllocateFn allocate, FreeFn free)
    : allocate_(std::move(allocate)), free_(std::move(free)) {}

CachingAllocator::~CachingAllocator() {
  std::lock_guard<std::mutex> lock(mutex_);
  emptyCacheLocked();
  // Blocks still in use belong to tensors that outlive the allocator (at
  // exit): the driver reclaims them with the context.
}

size_t CachingAllocator::roundUp(size_t bytes) {
  size_t step = bytes <= kSmallLimit ? kSmallStep : kLargeStep;
  return std::max<size_t>(step, (bytes + step - 1) / step * step);
}

CachingAllocator::Address CachingAllocator::allocate(size_t bytes,
                                                     const void *stream) {
  size_t size = roundUp(bytes);
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = cached_.lower_bound(size);
       it != cached_.end() && it->first <= 2 * size; ++it) {
    if (it->second.second != stream)
      continue;
    Address address = it->second.first;
    size_t blockSize = it->first;
    cached_.erase(it);
    live_[address] = {blockSize, stream};
    stats_.bytesCached -= blockSize;
    stats_.bytesInUse += blockSize;
    stats_.peakBytesInUse = std::max(stats_.peakBytesInUse, stats_.bytesInUse);
    ++stats_.reuses;
    return address;
  }
  Address address = allocate_(size);
  if (!address && !cached_.empty()) {
    emptyCacheLocked();
    address = allocate_(size);
  }
  if (!address)
    throw Error("out of GPU memory allocating " + mebibytes(size) + " (" +
                mebibytes(stats_.bytesInUse) + " in use by Sieve)");
  live_[address] = {size, stream};
  stats_.bytesInUse += size;
  stats_.peakBytesInUse = std::max(stats_.peakBytesInUse, stats_.bytesInUse);
  ++stats_.driverAllocations;
  return address;
}

void CachingAllocator::release(Address address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = live_.find(address);
  if (it == live_.end())
    throw Error("releasing GPU address 0x" + [&] {
      char text[32];
      std::snprintf(text, sizeof(text), "%llx",
                    static_cast<unsigned long long>(address));
      return std::string(text);
    }() + " that the allocator does not hold (freed twice?)");
  cached_.insert({it->second.size, {address, it->second.stream}});
  stats_.bytesInUse -= it->second.size;
  stats_.bytesCached += it->second.size;
  live_.erase(it);
}

void CachingAllocator::emptyCache() {
  std::lock_guard<std::mutex> lock(mutex_);
  emptyCacheLocked();
}

void CachingAllocator::emptyCacheLocked() {
  for (auto &[size, block] : cached_)
    free_(block.first);
  cached_.clear();
  stats_.bytesCached = 0;
}

CachingAllocator::Stats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void CachingAllocator::resetPeak() {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.peakBytesInUse = stats_.bytesInUse;
}
