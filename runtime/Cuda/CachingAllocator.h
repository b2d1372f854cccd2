//===- CachingAllocator.h - reuse device memory without the driver --------===//
//
// cuMemAlloc and cuMemFree synchronise the device and cost tens of
// microseconds; a training step allocates every temporary of every kernel.
// As PyTorch's allocator does, freed blocks are kept and handed out again:
// sizes are rounded to classes (512-byte steps up to 1 MiB, 2 MiB steps
// above) and a request takes the smallest cached block of its stream that is
// big enough but not more than twice the size. Reuse is safe without events
// because a block is only reused on the stream it was freed on, where work
// runs in order. When the driver runs out of memory, the cache is released
// and the allocation retried once.
//
// The allocator is written against two callbacks so that its bookkeeping is
// tested without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_CACHINGALLOCATOR_H
#define SIEVE_RUNTIME_CUDA_CACHINGALLOCATOR_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>

namespace sieve::runtime::cuda {

class CachingAllocator {
public:
  using Address = uint64_t;
  /// Returns a new block of exactly `bytes`, or 0 when out of memory.
  using AllocateFn = std::function<Address(size_t bytes)>;
  using FreeFn = std::function<void(Address)>;

  CachingAllocator(AllocateFn allocate, FreeFn free);
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator &) = delete;
  CachingAllocator &operator=(const CachingAllocator &) = delete;

  /// A block of at least `bytes` (0 gives a 512-byte block) for work on
  /// `stream`; throws Error when the device has no memory left, saying how
  /// much was asked for and how much the allocator holds.
  Address allocate(size_t bytes, const void *stream);
  /// Returns a block to the cache; throws Error for an address this
  /// allocator did not hand out (a double free).
  void release(Address address);
  /// Frees every cached block (blocks in use stay).
  void emptyCache();

  struct Stats {
    size_t bytesInUse = 0;
    size_t bytesCached = 0;
    size_t peakBytesInUse = 0;
    size_t driverAllocations = 0;
    size_t reuses = 0;
  };
  Stats stats() const;
  /// Starts a new peak from the bytes in use now (to measure one phase).
  void resetPeak();

  /// The size class a request of `bytes` is served from.
  static size_t roundUp(size_t bytes);

private:
  struct Block {
    size_t size;
    const void *stream;
  };
  void emptyCacheLocked();

  AllocateFn allocate_;
  FreeFn free_;
  mutable std::mutex mutex_;
  /// Cached blocks by size, each with its stream.
  std::multimap<size_t, std::pair<Address, const void *>> cached_;
  std::unordered_map<Address, Block> live_;
  Stats stats_;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_CACHINGALLOCATOR_H
