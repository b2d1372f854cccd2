//===- CachingAllocatorTest.cpp - the device allocator's bookkeeping ------===//
//
// The allocator against a fake device: size classes, reuse on the same
// stream only, the 2x limit, double frees, and the out-of-memory retry.
//
//===----------------------------------------------------------------------===//

#include "runtime/Cuda/CachingAllocator.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

namespace {

/// A device with `capacity` bytes that hands out increasing addresses.
struct FakeDevice {
  explicit FakeDevice(size_t capacity) : capacity(capacity) {}
  size_t capacity, used = 0;
  uint64_t next = 0x1000;
  std::map<uint64_t, size_t> blocks;
  std::vector<uint64_t> freed;

  CachingAllocator make() {
    return CachingAllocator(
        [this](size_t bytes) -> uint64_t {
          if (used + bytes > capacity)
            return 0;
          used += bytes;
          blocks[next] = bytes;
          uint64_t address = next;
          next += bytes;
          return address;
        },
        [this](uint64_t address) {
          used -= blocks.at(address);
          blocks.erase(address);
          freed.push_back(address);
        });
  }
};

char streamA, streamB; // two streams: only their addresses matter

} // namespace

TEST(CachingAllocatorTest, RoundsToSizeClasses) {
  EXPECT_EQ(CachingAllocator::roundUp(0), 512u);
  EXPECT_EQ(CachingAllocator::roundUp(1), 512u);
  EXPECT_EQ(CachingAllocator::roundUp(513), 1024u);
  EXPECT_EQ(CachingAllocator::roundUp(1 << 20), size_t(1) << 20);
  EXPECT_EQ(CachingAllocator::roundUp((1 << 20) + 1), size_t(2) << 20);
  EXPECT_EQ(CachingAllocator::roundUp((5 << 20) + 7), size_t(6) << 20);
}

TEST(CachingAllocatorTest, ReusesFreedBlocksOnTheSameStream) {
  FakeDevice device{1 << 30};
  CachingAllocator allocator = device.make();
  uint64_t a = allocator.allocate(1000, &streamA);
  allocator.release(a);
  EXPECT_EQ(allocator.allocate(900, &streamA), a); // same class, reused
  CachingAllocator::Stats stats = allocator.stats();
  EXPECT_EQ(stats.driverAllocations, 1u);
  EXPECT_EQ(stats.reuses, 1u);
  EXPECT_EQ(stats.bytesInUse, 1024u);
  EXPECT_EQ(stats.bytesCached, 0u);
}

TEST(CachingAllocatorTest, NeverReusesAcrossStreams) {
  FakeDevice device{1 << 30};
  CachingAllocator allocator = device.make();
  uint64_t a = allocator.allocate(4096, &streamA);
  allocator.release(a);
  uint64_t b = allocator.allocate(4096, &streamB);
  EXPECT_NE(a, b);
  EXPECT_EQ(allocator.stats().bytesCached, 4096u);
}

TEST(CachingAllocatorTest, DoesNotHandOutBlocksOverTwiceTheRequest) {
  FakeDevice device{1 << 30};
  CachingAllocator allocator = device.make();
  uint64_t big = allocator.allocate(64 << 10, &streamA);
  allocator.release(big);
  EXPECT_NE(allocator.allocate(1000, &streamA), big);
  EXPECT_EQ(allocator.allocate(40 << 10, &streamA), big); // within 2x
}

TEST(CachingAllocatorTest, RefusesDoubleFrees) {
  FakeDevice device{1 << 30};
  CachingAllocator allocator = device.make();
  uint64_t a = allocator.allocate(100, &streamA);
  allocator.release(a);
  EXPECT_THROW(allocator.release(a), Error);
  EXPECT_THROW(allocator.release(0xdead), Error);
}

TEST(CachingAllocatorTest, EmptiesTheCacheAndRetriesWhenTheDeviceIsFull) {
  FakeDevice device{8 << 20};
  CachingAllocator allocator = device.make();
  uint64_t a = allocator.allocate(6 << 20, &streamA);
  allocator.release(a); // cached, still taking the device's memory
  uint64_t b = allocator.allocate(4 << 20, &streamB);
  EXPECT_NE(b, 0u);
  EXPECT_EQ(device.freed, std::vector<uint64_t>{a});
  try {
    allocator.allocate(16 << 20, &streamA);
    FAIL() << "expected out of memory";
  } catch (const Error &error) {
    EXPECT_STREQ(error.what(),
                 "out of GPU memory allocating 16 MiB (4 MiB in use by Sieve)");
  }
}

TEST(CachingAllocatorTest, TracksThePeak) {
  FakeDevice device{1 << 30};
  CachingAllocator allocator = device.make();
  uint64_t a = allocator.allocate(1 << 20, &streamA);
  uint64_t b = allocator.allocate(1 << 20, &streamA);
  allocator.release(a);
  allocator.release(b);
  EXPECT_EQ(allocator.stats().peakBytesInUse, size_t(2) << 20);
  allocator.emptyCache();
  EXPECT_EQ(allocator.stats().bytesCached, 0u);
  EXPECT_EQ(device.used, 0u);
}

TEST(CachingAllocatorTest, APeakResetStartsFromTheBytesInUse) {
  FakeDevice device{1 << 30};
  CachingAllocator allocator = device.make();
  uint64_t a = allocator.allocate(1 << 20, &streamA);
  uint64_t b = allocator.allocate(2 << 20, &streamA);
  allocator.release(b);
  allocator.resetPeak();
  EXPECT_EQ(allocator.stats().peakBytesInUse, size_t(1) << 20);
  uint64_t c = allocator.allocate(4 << 20, &streamA);
  EXPECT_EQ(allocator.stats().peakBytesInUse, size_t(5) << 20);
  allocator.release(a);
  allocator.release(c);
}
